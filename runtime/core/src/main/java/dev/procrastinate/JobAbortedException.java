package dev.procrastinate;

/**
 * Thrown by a task to stop after an abort request: the job ends {@code aborted}, the twin of Python
 * Procrastinate's {@code JobAborted}.
 *
 * <p>A task that sees {@link JobContext#shouldAbort()} turn true throws this exception. An abort
 * request also interrupts the task's thread, so an {@link InterruptedException} (or an exception
 * caused by one) thrown while an abort is requested ends the job {@code aborted} as well. Any other
 * exception goes through the task's retry policy as usual, and a task that returns normally ends
 * {@code succeeded}, abort request or not.
 */
public class JobAbortedException extends ProcrastinateException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a default message. */
  public JobAbortedException() {
    super("the job was aborted on request");
  }

  /**
   * Creates the exception.
   *
   * @param message what the task was doing when it stopped
   */
  public JobAbortedException(String message) {
    super(message);
  }
}
