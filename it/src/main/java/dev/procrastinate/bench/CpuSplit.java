package dev.procrastinate.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The CPU used during a measure by this JVM and by the rest of the machine (PostgreSQL, on a
 * machine that runs nothing else), from {@code /proc/stat}; nothing is printed where it is absent.
 *
 * @param jvmNanos this JVM's CPU time at the start
 * @param machineTicks the machine's busy clock ticks at the start, or -1 without {@code /proc}
 */
record CpuSplit(long jvmNanos, long machineTicks) {
  static CpuSplit start() {
    return new CpuSplit(processCpu(), machineBusyTicks());
  }

  /**
   * The machine's busy CPU time since the start, all processes and cores together.
   *
   * @return seconds, or -1 without {@code /proc}
   */
  double machineSeconds() {
    long machine = machineBusyTicks();
    return machine < 0 || machineTicks < 0 ? -1 : (machine - machineTicks) / 100.0;
  }

  /**
   * This JVM's CPU time since the start.
   *
   * @return seconds
   */
  double jvmSeconds() {
    return (processCpu() - jvmNanos) / 1e9;
  }

  /**
   * Prints this JVM's CPU time and the rest of the machine's since the start.
   *
   * @param wallNanos the measure's wall-clock time
   */
  void print(long wallNanos) {
    double machineSeconds = machineSeconds();
    if (machineSeconds < 0) {
      return;
    }
    double jvmSeconds = jvmSeconds();
    System.out.printf(
        Locale.ROOT,
        "    CPU: this JVM %.1f s, the rest (PostgreSQL) %.1f s, over %.1f s on %d cores%n",
        jvmSeconds,
        Math.max(0, machineSeconds - jvmSeconds),
        wallNanos / 1e9,
        Runtime.getRuntime().availableProcessors());
  }

  private static long processCpu() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long machineBusyTicks() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < fields.length; i++) {
        if (i != 4 && i != 5) { // idle, iowait
          busy += Long.parseLong(fields[i]);
        }
      }
      return busy;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
