package dev.procrastinate.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How many jobs a worker fetches ahead, with and without a lock, from the measured run times. */
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
    assertThat(slots.lockBuffer()).isZero();
    assertThat(slots.lockRoom()).isEqualTo(8);
    assertThat(slots.free()).isEqualTo(8);
  }

  @Test
  void shortJobsGetABufferAndJobsWithALockTheWholeJobsEndingPerRoundTrip() {
    // 8 slots of 6 ms jobs finish 2.67 jobs during a 2 ms fetch.
    Slots slots = measured(6, 2);
    assertThat(slots.prefetch()).isEqualTo(5);
    assertThat(slots.lockBuffer()).isEqualTo(2);
    assertThat(slots.lockRoom()).isEqualTo(8 + 2);
  }

  @Test
  void theRoomForJobsWithALockShrinksWithTheJobsHeld() {
    Slots slots = measured(6, 2);
    slots.fetched(9, 2 * MS);
    assertThat(slots.lockRoom()).isEqualTo(1);
    slots.fetched(3, 2 * MS);
    assertThat(slots.lockRoom()).as("never negative").isZero();
  }

  @Test
  void jobsMuchLongerThanAFetchGetNoBufferAtAll() {
    // One job ends every 125 ms; a fetch takes 2 ms.
    Slots slots = measured(1_000, 2);
    assertThat(slots.prefetch()).isZero();
    assertThat(slots.lockBuffer()).isZero();
    assertThat(slots.lockRoom()).isEqualTo(8);
  }

  @Test
  void fewerThanOneJobEndingPerRoundTripBuffersNoJobWithALock() {
    // 0.8 jobs end during a fetch: one job without a lock is worth buffering, none with one.
    Slots slots = measured(20, 2);
    assertThat(slots.prefetch()).isEqualTo(2);
    assertThat(slots.lockBuffer()).isZero();
  }
}
