import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Writes a corpus straight into S3Mock 5.x's on-disk store, for S3Mock to serve once started on
 * that root with its files retained (the bench's s3lat scenario). Putting 20,000 objects through
 * S3Mock's API takes too long: S3Mock keeps one {@code bucketMetadata.json} per bucket listing
 * every key, rewrites it on each put and parses it again on every request, so a put or a get costs
 * time in proportion to the bucket's keys (about 17 puts a minute past ~9,900 keys). Here every
 * bucket's metadata is written once.
 *
 * <p>The corpus's top folders (sorted) are spread over {@code BUCKETS} buckets {@code s3lat-000},
 * {@code s3lat-001}, ...: folder i to bucket i mod BUCKETS; each object's key is its path relative
 * to the corpus, so a run over every bucket's root names documents as a run over the corpus does.
 * The layout is S3Mock's own (5.2.0): {@code ROOT/BUCKET/bucketMetadata.json} with the key-to-id
 * map, {@code ROOT/BUCKET/ID/objectMetadata.json} and {@code ROOT/BUCKET/ID/binaryData}.
 *
 * <pre>java jobs/bench/S3MockStore.java ROOT CORPUS BUCKETS</pre>
 *
 * Prints the buckets' names, one a line.
 */
public final class S3MockStore {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      throw new IllegalArgumentException("Cannot write the store: expected ROOT CORPUS BUCKETS");
    }
    Path root = Path.of(args[0]);
    Path corpus = Path.of(args[1]);
    int buckets = Integer.parseInt(args[2]);
    if (buckets < 1 || buckets > 999) {
      throw new IllegalArgumentException(
          "Cannot write the store: BUCKETS is 1 to 999, not " + args[2]);
    }
    List<Path> tops;
    try (Stream<Path> s = Files.list(corpus)) {
      tops = s.sorted().toList();
    }
    List<Map<String, Path>> keys = new ArrayList<>();
    for (int b = 0; b < buckets; b++) {
      keys.add(new TreeMap<>());
    }
    for (int i = 0; i < tops.size(); i++) {
      try (Stream<Path> s = Files.walk(tops.get(i))) {
        Map<String, Path> bucket = keys.get(i % buckets);
        s.filter(Files::isRegularFile)
            .forEach(f -> bucket.put(corpus.relativize(f).toString().replace('\\', '/'), f));
      }
    }
    Instant now = Instant.now();
    int objects = 0;
    for (int b = 0; b < buckets; b++) {
      String name = String.format("s3lat-%03d", b);
      objects += writeBucket(root.resolve(name), name, keys.get(b), now);
      System.out.println(name);
    }
    System.err.println("wrote " + objects + " objects in " + buckets + " buckets to " + root);
  }

  private static int writeBucket(Path dir, String name, Map<String, Path> keys, Instant now)
      throws IOException, NoSuchAlgorithmException {
    Files.createDirectories(dir);
    StringBuilder objects = new StringBuilder();
    for (Map.Entry<String, Path> e : keys.entrySet()) {
      UUID id = UUID.nameUUIDFromBytes((name + "/" + e.getKey()).getBytes(StandardCharsets.UTF_8));
      writeObject(dir.resolve(id.toString()), id, e.getKey(), e.getValue(), now);
      objects.append(objects.length() == 0 ? "" : ",");
      objects.append(json(e.getKey())).append(':').append(json(id.toString()));
    }
    String meta =
        "{\"name\":"
            + json(name)
            + ",\"creationDate\":"
            + json(DATE.format(now))
            + ",\"versioningConfiguration\":{\"MfaDelete\":null,\"Status\":null}"
            + ",\"objectLockConfiguration\":null,\"bucketLifecycleConfiguration\":null"
            + ",\"objectOwnership\":\"BucketOwnerEnforced\",\"path\":"
            + json(dir.toUri().toString())
            + ",\"bucketRegion\":\"us-east-1\",\"bucketInfo\":null,\"locationInfo\":null"
            + ",\"objects\":{"
            + objects
            + "}}";
    Files.writeString(dir.resolve("bucketMetadata.json"), meta);
    return keys.size();
  }

  private static void writeObject(Path dir, UUID id, String key, Path file, Instant now)
      throws IOException, NoSuchAlgorithmException {
    Files.createDirectories(dir);
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readAllBytes();
    }
    Path data = dir.resolve("binaryData");
    Files.write(data, bytes);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    byte[] crcBytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      crcBytes[i] = (byte) (crc.getValue() >>> (24 - 8 * i));
    }
    String meta =
        "{\"id\":"
            + json(id.toString())
            + ",\"key\":"
            + json(key)
            + ",\"size\":"
            + json(Integer.toString(bytes.length))
            + ",\"modificationDate\":"
            + json(DATE.format(now))
            + ",\"etag\":"
            + json(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes)))
            + ",\"contentType\":\"text/plain\",\"lastModified\":"
            + now.toEpochMilli()
            + ",\"dataPath\":"
            + json(data.toUri().toString())
            + ",\"userMetadata\":{},\"tags\":null,\"legalHold\":null,\"retention\":null"
            + ",\"owner\":{\"ID\":"
            + "\"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\"}"
            + ",\"storeHeaders\":{},\"encryptionHeaders\":{},\"checksumAlgorithm\":\"CRC32\""
            + ",\"checksum\":"
            + json(Base64.getEncoder().encodeToString(crcBytes))
            + ",\"storageClass\":\"STANDARD\",\"policy\":null,\"versionId\":null"
            + ",\"deleteMarker\":false,\"checksumType\":\"FULL_OBJECT\",\"parts\":null}";
    Files.writeString(dir.resolve("objectMetadata.json"), meta);
  }

  private static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
