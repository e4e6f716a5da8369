package dev.procrastinate;

/**
 * Thrown when a job cannot be deferred because another job with the same queueing lock is already
 * waiting ({@code todo}). Upstream Procrastinate calls this {@code AlreadyEnqueued}.
 *
 * <p>In a batch defer, one clash rolls the whole batch back: no job of the batch is stored.
 */
public final class AlreadyEnqueuedException extends ProcrastinateException {
  private static final long serialVersionUID = 1L;

  private final String queueingLock;

  /**
   * Creates the exception.
   *
   * @param queueingLock the queueing lock that is already taken
   * @param cause the unique violation reported by PostgreSQL
   */
  public AlreadyEnqueuedException(String queueingLock, Throwable cause) {
    super(
        "A job with queueing lock '"
            + queueingLock
            + "' is already waiting (status todo); only one waiting job per queueing lock is"
            + " allowed. Wait until it has started, cancel it, or defer without this queueing lock.",
        cause);
    this.queueingLock = queueingLock;
  }

  /**
   * Returns the queueing lock that clashed.
   *
   * @return the queueing lock value
   */
  public String queueingLock() {
    return queueingLock;
  }
}
