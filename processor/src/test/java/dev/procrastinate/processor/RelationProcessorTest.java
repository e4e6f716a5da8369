package dev.procrastinate.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import dev.procrastinate.processor.validation.Message;
import java.io.IOException;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * The relations of application entities to {@code ProcrastinateJob}: recorded for {@code
 * relation-sql}, and checked at compile time (the checks, one per message, run from {@link
 * TaskProcessorErrorsTest}).
 */
class RelationProcessorTest {
  private static JavaFileObject entity(String name, String body) {
    return Sources.source(
        "com.acme.shop." + name,
        """
        package com.acme.shop;

        import dev.procrastinate.jpa.OnDelete;
        import dev.procrastinate.jpa.OnJobDelete;
        import dev.procrastinate.jpa.ProcrastinateJob;
        import jakarta.persistence.*;

        """
            + body);
  }

  @Test
  void recordsEachRelationWithItsTableColumnAndAction() throws IOException {
    Compilation compilation =
        Sources.compile(
            entity(
                "Order",
                """
                @Entity
                @Table(name = "orders", schema = "shop")
                public class Order {
                  @Id Long id;

                  @ManyToOne(fetch = FetchType.LAZY)
                  @JoinColumn(name = "procrastinate_job_id",
                      foreignKey = @ForeignKey(ConstraintMode.NO_CONSTRAINT))
                  @OnJobDelete(OnDelete.SET_NULL)
                  ProcrastinateJob job;
                }
                """),
            entity(
                "OrderLine",
                """
                @Entity
                public class OrderLine {
                  @Id Long id;

                  @OneToOne(optional = false)
                  @JoinColumn(nullable = false,
                      foreignKey = @ForeignKey(ConstraintMode.NO_CONSTRAINT))
                  @OnJobDelete(OnDelete.CASCADE)
                  ProcrastinateJob shippingJob;

                  @ManyToOne
                  @JoinColumn(name = "fallback_job", columnDefinition = "bigint DEFAULT 0",
                      foreignKey = @ForeignKey(ConstraintMode.NO_CONSTRAINT))
                  @OnJobDelete(OnDelete.SET_DEFAULT)
                  ProcrastinateJob fallback;
                }
                """));

    assertThat(compilation).succeededWithoutWarnings();
    String recorded =
        compilation
            .generatedFile(StandardLocation.CLASS_OUTPUT, RelationCollector.RESOURCE)
            .orElseThrow()
            .getCharContent(true)
            .toString();
    assertThat(recorded.lines().filter(line -> !line.startsWith("#")))
        .containsExactly(
            "order_line\tfallback_job\tSET DEFAULT\tcom.acme.shop.OrderLine.fallback",
            "order_line\tshipping_job_id\tCASCADE\tcom.acme.shop.OrderLine.shippingJob",
            "shop.orders\tprocrastinate_job_id\tSET NULL\tcom.acme.shop.Order.job");
  }

  /** Checks one message; run by {@link TaskProcessorErrorsTest}, which counts every message. */
  static Message aRelationWithoutOnJobDeleteIsAWarningNamingTheChoices() {
    Compilation compilation =
        Sources.compile(
            entity(
                "Order",
                """
                @Entity
                public class Order {
                  @Id Long id;

                  @ManyToOne
                  @JoinColumn(foreignKey = @ForeignKey(ConstraintMode.NO_CONSTRAINT))
                  ProcrastinateJob undecided;
                }
                """));

    assertThat(compilation).succeeded();
    assertThat(compilation)
        .hadWarningContaining("[RelationWithoutOnJobDelete] com.acme.shop.Order.undecided")
        .inFile(compilation.sourceFiles().get(0))
        .onLineContaining("@ManyToOne");
    assertThat(compilation).hadWarningContaining("@OnJobDelete(OnDelete.SET_NULL) keeps the row");
    assertThat(compilation.generatedFile(StandardLocation.CLASS_OUTPUT, RelationCollector.RESOURCE))
        .isEmpty();
    return Message.RELATION_WITHOUT_ON_JOB_DELETE;
  }

  /** Checks one message; run by {@link TaskProcessorErrorsTest}, which counts every message. */
  static Message aRelationWithAGeneratedForeignKeyIsAWarning() {
    Compilation compilation =
        Sources.compile(
            entity(
                "Order",
                """
                @Entity
                public class Order {
                  @Id Long id;

                  @ManyToOne
                  @OnJobDelete(OnDelete.CASCADE)
                  ProcrastinateJob job;
                }
                """));

    assertThat(compilation).succeeded();
    assertThat(compilation)
        .hadWarningContaining("[RelationGeneratedForeignKey] com.acme.shop.Order.job")
        .inFile(compilation.sourceFiles().get(0))
        .onLineContaining("@ManyToOne");
    return Message.RELATION_GENERATED_FOREIGN_KEY;
  }

  /** Checks one message; run by {@link TaskProcessorErrorsTest}, which counts every message. */
  static Message setNullOnANonOptionalRelationIsAnError() {
    Compilation compilation =
        Sources.compile(
            entity(
                "Order",
                """
                @Entity
                public class Order {
                  @Id Long id;

                  @ManyToOne(optional = false)
                  @JoinColumn(foreignKey = @ForeignKey(ConstraintMode.NO_CONSTRAINT))
                  @OnJobDelete(OnDelete.SET_NULL)
                  ProcrastinateJob job;
                }
                """));

    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining("[RelationSetNullNotNullable] com.acme.shop.Order.job")
        .inFile(compilation.sourceFiles().get(0))
        .onLineContaining("@OnJobDelete(OnDelete.SET_NULL)");
    assertThat(compilation).hadErrorContaining("column job_id cannot be null (optional = false)");
    return Message.RELATION_SET_NULL_NOT_NULLABLE;
  }

  /** Checks one message; run by {@link TaskProcessorErrorsTest}, which counts every message. */
  static Message setNullOnANonNullableColumnIsAnError() {
    Compilation compilation =
        Sources.compile(
            entity(
                "Order",
                """
                @Entity
                public class Order {
                  @Id Long id;

                  @ManyToOne
                  @JoinColumn(name = "job", nullable = false,
                      foreignKey = @ForeignKey(ConstraintMode.NO_CONSTRAINT))
                  @OnJobDelete(OnDelete.SET_NULL)
                  ProcrastinateJob job;
                }
                """));

    assertThat(compilation)
        .hadErrorContaining("column job cannot be null (nullable = false)")
        .inFile(compilation.sourceFiles().get(0))
        .onLineContaining("@OnJobDelete(OnDelete.SET_NULL)");
    return Message.RELATION_SET_NULL_NOT_NULLABLE;
  }

  /** Checks one message; run by {@link TaskProcessorErrorsTest}, which counts every message. */
  static Message setDefaultWithoutAColumnDefaultIsAnError() {
    Compilation compilation =
        Sources.compile(
            entity(
                "Order",
                """
                @Entity
                public class Order {
                  @Id Long id;

                  @ManyToOne
                  @JoinColumn(foreignKey = @ForeignKey(ConstraintMode.NO_CONSTRAINT))
                  @OnJobDelete(OnDelete.SET_DEFAULT)
                  ProcrastinateJob job;
                }
                """));

    assertThat(compilation)
        .hadErrorContaining("[RelationSetDefaultWithoutDefault] com.acme.shop.Order.job")
        .inFile(compilation.sourceFiles().get(0))
        .onLineContaining("@OnJobDelete(OnDelete.SET_DEFAULT)");
    return Message.RELATION_SET_DEFAULT_WITHOUT_DEFAULT;
  }

  @Test
  void snakeCaseFollowsSpringBootsNaming() {
    assertThat(RelationCollector.snakeCase("OrderLine")).isEqualTo("order_line");
    assertThat(RelationCollector.snakeCase("shippingJob")).isEqualTo("shipping_job");
    assertThat(RelationCollector.snakeCase("invoice")).isEqualTo("invoice");
  }
}
