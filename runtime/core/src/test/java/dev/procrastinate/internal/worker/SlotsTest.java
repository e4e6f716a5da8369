package dev.procrastinate.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How many jobs a worker fetches ahead, from the measured run and fetch times. */
class SlotsTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  /** Eight slots whose jobs ran {@code runMs} each and whose fetch took {@code fetchMs}. */
  private static Slots measured(double runMs, double fetchMs) {
    Slots slots = new Slots(8, 500);
    slots.fetched(1, (long) (fetchMs * MS));
    slots.started();
    slots.ended((long) (runMs * MS));
    return slots;
  }

  @Test
  void nothingIsFetchedAheadBeforeAnythingWasMeasured() {
    Slots slots = new Slots(8, 500);
    assertThat(slots.prefetch()).isZero();
    assertThat(slots.free()).isEqualTo(8);
    assertThat(slots.idle()).isEqualTo(8);
  }

  @Test
  void shortJobsGetABufferOfTwiceTheJobsEndingDuringAFetch() {
    // 8 slots of 6 ms jobs finish 2.67 jobs during a 2 ms fetch.
    Slots slots = measured(6, 2);
    assertThat(slots.prefetch()).isEqualTo(5);
    assertThat(slots.free()).isEqualTo(8 + 5);
  }

  @Test
  void jobsWithALockOnlyGetTheThreadsNoHeldJobWaitsFor() {
    Slots slots = measured(6, 2);
    slots.fetched(7, 2 * MS);
    assertThat(slots.idle()).isEqualTo(1);
    slots.fetched(3, 2 * MS);
    assertThat(slots.idle()).as("buffered jobs leave no thread idle, never below zero").isZero();
    assertThat(slots.free()).isEqualTo(8 + 5 - 10);
  }

  @Test
  void jobsMuchLongerThanAFetchGetNoBufferAtAll() {
    // One job ends every 125 ms; a fetch takes 2 ms.
    Slots slots = measured(1_000, 2);
    assertThat(slots.prefetch()).isZero();
    assertThat(slots.free()).isEqualTo(8);
  }

  @Test
  void theBufferNeverPassesItsCap() {
    Slots slots = measured(0.01, 2);
    assertThat(slots.prefetch()).isEqualTo(Math.min(499, Math.min(Slots.PREFETCH_CAP, 4 * 8 + 16)));
  }
}
