package dev.procrastinate.example;

import dev.procrastinate.Task;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One task per family of supported parameter types. Each keeps the values it received ({@link
 * #lastReceived()}), so that a test can compare them with what was deferred; a list of values of
 * mixed types is no result JSON could carry back.
 */
public final class Catalog {
  private static volatile List<?> received = List.of();

  private Catalog() {}

  /**
   * Returns the values the last task of this class received, in the order of its parameters; arrays
   * as lists.
   *
   * @return the values, nulls included
   */
  public static List<?> lastReceived() {
    return received;
  }

  /** How a parcel travels. */
  public enum Shipping {
    /** By road. */
    GROUND,
    /** By air. */
    AIR
  }

  /**
   * A parcel: a record of supported types, nested in other types.
   *
   * @param sku the product
   * @param quantity how many
   * @param shipping how it travels
   * @param tags free labels
   */
  public record Parcel(String sku, int quantity, Shipping shipping, List<String> tags) {}

  /**
   * Receives every primitive type.
   *
   * @param flag a boolean
   * @param small a byte
   * @param medium a short
   * @param count an int
   * @param id a long
   * @param ratio a float
   * @param amount a double
   * @param grade a char
   */
  @Task(name = "catalog.primitives")
  public static void primitives(
      boolean flag,
      byte small,
      short medium,
      int count,
      long id,
      float ratio,
      double amount,
      char grade) {
    received = List.of(flag, small, medium, count, id, ratio, amount, grade);
  }

  /**
   * Receives every box type, each of which may be null.
   *
   * @param flag a Boolean
   * @param small a Byte
   * @param medium a Short
   * @param count an Integer
   * @param id a Long
   * @param ratio a Float
   * @param amount a Double
   * @param grade a Character
   */
  @Task(name = "catalog.boxes")
  public static void boxes(
      @Nullable Boolean flag,
      @Nullable Byte small,
      @Nullable Short medium,
      @Nullable Integer count,
      @Nullable Long id,
      @Nullable Float ratio,
      @Nullable Double amount,
      @Nullable Character grade) {
    received = Arrays.asList(flag, small, medium, count, id, ratio, amount, grade);
  }

  /**
   * Receives text, an enum and the value types of {@code java.math} and {@code java.util}.
   *
   * @param text a String
   * @param shipping an enum
   * @param price a BigDecimal
   * @param big a BigInteger
   * @param key a UUID
   */
  @Task(name = "catalog.values")
  public static void values(
      String text, Shipping shipping, BigDecimal price, BigInteger big, UUID key) {
    received = List.of(text, shipping, price, big, key);
  }

  /**
   * Receives every supported {@code java.time} type.
   *
   * @param instant an Instant
   * @param date a LocalDate
   * @param time a LocalTime
   * @param dateTime a LocalDateTime
   * @param offsetDateTime an OffsetDateTime, whose offset is kept
   * @param duration a Duration
   */
  @Task(name = "catalog.times")
  public static void times(
      Instant instant,
      LocalDate date,
      LocalTime time,
      LocalDateTime dateTime,
      OffsetDateTime offsetDateTime,
      Duration duration) {
    received = List.of(instant, date, time, dateTime, offsetDateTime, duration);
  }

  /**
   * Receives the two arrays Jackson writes as strings: {@code byte[]} as base64, {@code char[]} as
   * text.
   *
   * @param blob bytes
   * @param letters characters
   */
  @Task(name = "catalog.bytes")
  public static void bytes(byte[] blob, char[] letters) {
    List<Byte> bytes = new java.util.ArrayList<>();
    for (byte b : blob) {
      bytes.add(b);
    }
    received = List.of(bytes, String.valueOf(letters));
  }

  /**
   * Receives collections, records, optionals and arrays.
   *
   * @param names a List of String
   * @param numbers a Set of Integer
   * @param holidays a Map of String to LocalDate
   * @param parcel a record
   * @param parcels a List of records
   * @param note an Optional String
   * @param scores an Optional List of Integer
   * @param slots an int array
   * @param labels a String array
   */
  @Task(name = "catalog.structures")
  public static void structures(
      List<String> names,
      Set<Integer> numbers,
      Map<String, LocalDate> holidays,
      Parcel parcel,
      List<Parcel> parcels,
      Optional<String> note,
      Optional<List<Integer>> scores,
      int[] slots,
      String[] labels) {
    received =
        List.of(
            names,
            numbers,
            holidays,
            parcel,
            parcels,
            note,
            scores,
            Arrays.stream(slots).boxed().toList(),
            Arrays.asList(labels));
  }
}
