package dev.paraglue.api;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A document submitted through the HTTP API. Its id is generated, never taken from the client:
 * {@code yyyyMMdd-<32 hex digits>} (the UTC day and a random UUID), stored under {@code
 * dt=yyyy-MM-dd/api/<hex>.txt} below the watched prefix, so it lands in the raw table's daily
 * partition. Parsing accepts exactly that form, so no path a client sends can leave the prefix.
 */
public record ApiDocument(LocalDate day, String hex) {
  private static final Pattern ID = Pattern.compile("([0-9]{8})-([0-9a-f]{32})");
  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

  public static ApiDocument generate(LocalDate day) {
    return new ApiDocument(day, UUID.randomUUID().toString().replace("-", ""));
  }

  /** The document with this id, or empty when the text is not an id this API could have made. */
  public static Optional<ApiDocument> parse(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Matcher m = ID.matcher(id);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ApiDocument(LocalDate.parse(m.group(1), DAY), m.group(2)));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  public String id() {
    return DAY.format(day) + "-" + hex;
  }

  public String fileName() {
    return hex + ".txt";
  }

  /** The key below the watched prefix. */
  public String relativeKey() {
    return "dt=" + day + "/api/" + fileName();
  }
}
