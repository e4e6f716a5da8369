package dev.procrastinate.jpa;

import jakarta.persistence.PrePersist;
import jakarta.persistence.PreRemove;
import jakarta.persistence.PreUpdate;

/**
 * Refuses every write of the read-only entities: the job tables belong to the Procrastinate
 * contract and change only through its SQL functions. Registered on the entities with {@code
 * EntityListeners}; not for use elsewhere.
 */
public final class ReadOnlyEntityListener {
  /** Created by the JPA provider. */
  public ReadOnlyEntityListener() {}

  /**
   * Refuses a persist.
   *
   * @param entity the entity
   * @throws UnsupportedOperationException always
   */
  @PrePersist
  public void refusePersist(Object entity) {
    throw refused("persist", entity);
  }

  /**
   * Refuses an update.
   *
   * @param entity the entity
   * @throws UnsupportedOperationException always
   */
  @PreUpdate
  public void refuseUpdate(Object entity) {
    throw refused("update", entity);
  }

  /**
   * Refuses a remove.
   *
   * @param entity the entity
   * @throws UnsupportedOperationException always
   */
  @PreRemove
  public void refuseRemove(Object entity) {
    throw refused("remove", entity);
  }

  static UnsupportedOperationException refused(String operation, Object entity) {
    return new UnsupportedOperationException(
        "cannot "
            + operation
            + " "
            + entity.getClass().getSimpleName()
            + ": the Procrastinate tables are read-only through JPA, they change only through the"
            + " Procrastinate functions. Defer jobs with the generated <Task>Deferrer or"
            + " JobManager.defer, and cancel, abort, retry or delete them with JobManager.");
  }
}
