import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/** Compresses one file with bzip2 (900k blocks), for the harness's bzip2 scenario. */
public final class Bzip2File {
  public static void main(String[] args) throws IOException {
    Path in = Path.of(args[0]);
    Path out = Path.of(args[1]);
    Files.createDirectories(out.toAbsolutePath().getParent());
    try (InputStream src = Files.newInputStream(in);
        OutputStream dst = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20);
        BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(dst, 9)) {
      src.transferTo(bz);
    }
  }
}
