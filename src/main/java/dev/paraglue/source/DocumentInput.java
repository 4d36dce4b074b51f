package dev.paraglue.source;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/** Opens a source object for reading, decompressing {@code .gz} and {@code .bz2} by suffix. */
public final class DocumentInput {
  private DocumentInput() {}

  /**
   * Local files are read through java.nio, without Hadoop's checksum-file lookups. Source URIs are
   * qualified by the resolver, so a local one always says file:.
   */
  private static boolean local(Path path) {
    return "file".equals(path.toUri().getScheme());
  }

  /** Whether the object at this URI is decompressed before splitting. */
  public static boolean compressed(String uri) {
    return uri.endsWith(".gz") || uri.endsWith(".bz2");
  }

  /** Opens an uncompressed object positioned at {@code offset}, for reading a byte range. */
  public static InputStream openAt(String uri, long offset, Configuration conf) throws IOException {
    if (compressed(uri)) {
      throw new IOException("Cannot read a byte range of compressed " + uri);
    }
    return openRaw(uri, offset, conf);
  }

  /** Opens an object's stored bytes (compressed or not) positioned at {@code offset}. */
  static InputStream openRaw(String uri, long offset, Configuration conf) throws IOException {
    Path path = new Path(uri);
    if (local(path)) {
      java.nio.channels.FileChannel ch =
          java.nio.channels.FileChannel.open(ObjectStores.localFile(path.toUri()));
      ch.position(offset);
      return java.nio.channels.Channels.newInputStream(ch);
    }
    FSDataInputStream in = path.getFileSystem(conf).open(path);
    try {
      in.seek(offset);
      return in;
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /**
   * Opens the {@code size}-byte object at {@code uri} for reading its text, decompressed. {@code
   * .bz2} is read by {@link Bzip2Blocks} (Hadoop's own bzip2 codec, without native bzip2, reads
   * block by block and skips a block whose start marker is damaged without a word).
   */
  public static InputStream open(String uri, long size, Configuration conf) throws IOException {
    if (uri.endsWith(".bz2")) {
      if (size == 0) {
        throw new IOException("not bzip2 data (no BZh header): " + uri);
      }
      return Bzip2Blocks.open(uri, 0, size, size, conf);
    }
    return decompressed(uri, openStored(uri, conf), conf);
  }

  /** Opens an object's stored bytes (compressed or not) from its start. */
  public static InputStream openStored(String uri, Configuration conf) throws IOException {
    Path path = new Path(uri);
    if (local(path)) {
      return java.nio.file.Files.newInputStream(ObjectStores.localFile(path.toUri()));
    }
    return path.getFileSystem(conf).open(path);
  }

  /**
   * The text of a {@code .gz} object from its stored bytes {@code raw} (closed if that fails), or
   * {@code raw} itself for an uncompressed one. Not for {@code .bz2}: see {@link #open}.
   */
  public static InputStream decompressed(String uri, InputStream raw, Configuration conf)
      throws IOException {
    if (!compressed(uri)) {
      return raw;
    }
    Path path = new Path(uri);
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
    if (codec == null) {
      raw.close();
      throw new IOException("no codec for " + path.getName());
    }
    try {
      return codec.createInputStream(raw);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }
}
