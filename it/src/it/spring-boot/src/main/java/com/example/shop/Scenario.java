package com.example.shop;

import dev.procrastinate.JobManager;
import dev.procrastinate.NewJob;
import dev.procrastinate.jpa.ProcrastinateJob;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.spring.jpa.ProcrastinateJobRepository;
import jakarta.persistence.EntityManager;
import java.lang.reflect.Method;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** What the application does once ready; each step appends what it saw. */
@Component
public class Scenario {
  private final ApplicationContext context;
  private final OrderService orderService;
  private final OrderRepository orders;
  private final ProcrastinateJobRepository jobs;
  private final ShippingTasks shippingTasks;
  private final EntityManager entityManager;
  private final TransactionTemplate transaction;
  private final DataSource dataSource;

  public Scenario(
      ApplicationContext context,
      OrderService orderService,
      OrderRepository orders,
      ProcrastinateJobRepository jobs,
      ShippingTasks shippingTasks,
      EntityManager entityManager,
      PlatformTransactionManager transactionManager,
      DataSource dataSource) {
    this.context = context;
    this.orderService = orderService;
    this.orders = orders;
    this.jobs = jobs;
    this.shippingTasks = shippingTasks;
    this.entityManager = entityManager;
    this.transaction = new TransactionTemplate(transactionManager);
    this.dataSource = dataSource;
  }

  public List<String> play() throws Exception {
    List<String> report = new ArrayList<>();
    report.add("flyway: " + flywayHistory());

    orderService.placeOrder("A-1");
    long committedJob = orderService.lastJobId();
    // The worker may run and delete it at once (deleteJobs=always): seen, or already shipped.
    check(
        jobs.findById(committedJob).isPresent() || shippingTasks.shipped().getCount() == 0,
        "the committed order's job is visible");
    report.add("committed order A-1: job deferred and visible");

    try {
      orderService.placeOrderThenFail("B-2");
      check(false, "placeOrderThenFail threw nothing");
    } catch (IllegalStateException expected) {
      long rolledBackJob = orderService.lastJobId();
      check(rolledBackJob != committedJob, "B-2 deferred a job of its own");
      check(orders.countByReference("B-2") == 0, "no order B-2 after the rollback");
      check(jobs.findById(rolledBackJob).isEmpty(), "no job of B-2 after the rollback");
      report.add("rolled-back order B-2: no order, no job");
    }

    check(shippingTasks.shipped().await(60, TimeUnit.SECONDS), "the worker ran shop.ship_order");
    check(
        transaction.execute(status -> orders.findAll().get(0).isShipped()),
        "order A-1 marked shipped");
    report.add("bean task shipped A-1 with the injected repository");

    try {
      transaction.executeWithoutResult(
          status -> entityManager.persist(BeanUtils.instantiateClass(ProcrastinateJob.class)));
      check(false, "a persist of ProcrastinateJob went through");
    } catch (RuntimeException refused) {
      Throwable root = refused;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      report.add("persist refused: " + root.getMessage());
    }

    Map<String, Object> up = health(context);
    report.add(
        "health "
            + up.get("status")
            + ": "
            + String.join(", ", ((Map<?, ?>) up.get("details")).keySet().stream().map(String::valueOf).toList()));

    report.add("health with the database unreachable: " + healthWithoutDatabase().get("status"));

    report.add(dashboard());
    return report;
  }

  private String flywayHistory() throws Exception {
    List<String> rows = new ArrayList<>();
    try (var connection = dataSource.getConnection();
        var statement = connection.createStatement();
        var result =
            statement.executeQuery(
                "SELECT version || ' ' || description FROM flyway_schema_history"
                    + " ORDER BY installed_rank")) {
      while (result.next()) {
        rows.add(result.getString(1));
      }
    }
    return String.join(", ", rows);
  }

  /** The Actuator health endpoint's answer for the procrastinate contributor, on either Boot line. */
  static Map<String, Object> health(ApplicationContext context) throws Exception {
    Object endpoint = context.getBean("healthEndpoint");
    Method forPath = endpoint.getClass().getMethod("healthForPath", String[].class);
    Object health = forPath.invoke(endpoint, (Object) new String[] {"procrastinate"});
    Object status = health.getClass().getMethod("getStatus").invoke(health);
    Object details = health.getClass().getMethod("getDetails").invoke(health);
    return Map.of("status", String.valueOf(status), "details", details);
  }

  /** The same application on a database that does not answer. */
  private static Map<String, Object> healthWithoutDatabase() throws Exception {
    try (ConfigurableApplicationContext down =
        new SpringApplicationBuilder(ShopApplication.class)
            .web(WebApplicationType.NONE)
            // Command-line arguments: they win over application.properties.
            .run(
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/nowhere",
                "--spring.datasource.hikari.connection-timeout=250",
                "--spring.datasource.hikari.initialization-fail-timeout=-1",
                "--spring.jpa.database-platform=org.hibernate.dialect.PostgreSQLDialect",
                "--spring.jpa.properties.hibernate.boot.allow_jdbc_metadata_access=false",
                "--spring.jpa.hibernate.ddl-auto=none",
                "--spring.flyway.enabled=false",
                "--procrastinate.migrate=false",
                "--procrastinate.worker.enabled=false")) {
      return health(down);
    }
  }

  /**
   * The same application as a servlet web application with procrastinate.dashboard.enabled: the
   * overview at /procrastinate/, and a job cancelled through the dashboard's own form.
   */
  private String dashboard() throws Exception {
    try (ConfigurableApplicationContext web =
        new SpringApplicationBuilder(ShopApplication.class)
            .run(
                // The same database: this Boot line's profile.
                "--spring.profiles.active="
                    + String.join(",", context.getEnvironment().getActiveProfiles()),
                "--spring.main.web-application-type=servlet",
                "--server.port=0",
                "--procrastinate.dashboard.enabled=true",
                "--procrastinate.worker.enabled=false",
                "--procrastinate.migrate=false",
                "--spring.flyway.enabled=false")) {
      String origin = "http://localhost:" + web.getEnvironment().getProperty("local.server.port");
      HttpClient client =
          HttpClient.newBuilder()
              .cookieHandler(new CookieManager())
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
      HttpResponse<String> bare = get(client, origin + "/procrastinate");
      check(bare.statusCode() == 302, "the bare mount point redirects, got " + bare.statusCode());
      HttpResponse<String> overview = get(client, origin + "/procrastinate/");
      check(
          overview.statusCode() == 200 && overview.body().contains("href=\"/procrastinate/jobs\""),
          "the overview answers with links below /procrastinate, got " + overview.statusCode());

      JobManager jobs = web.getBean(JobManager.class);
      long id =
          jobs.defer(
              NewJob.builder("shop.ship_order")
                  .arg("orderId", 0L)
                  .scheduleIn(Duration.ofDays(1))
                  .build());
      HttpResponse<String> confirm = get(client, origin + "/procrastinate/jobs/" + id + "/cancel");
      Matcher token =
          Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(confirm.body());
      check(confirm.statusCode() == 200 && token.find(), "the cancel form has its token");
      HttpResponse<String> done =
          client.send(
              HttpRequest.newBuilder(URI.create(origin + "/procrastinate/jobs/" + id + "/cancel"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString("csrf=" + token.group(1)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      check(done.statusCode() == 303, "the cancel POST redirects, got " + done.statusCode());
      check(
          jobs.getStatus(id).equals(Optional.of(JobStatus.CANCELLED)),
          "the job is cancelled in the database");
      // No job is left behind for verify.groovy.
      try (var connection = web.getBean(DataSource.class).getConnection();
          var statement =
              connection.prepareStatement("DELETE FROM procrastinate_jobs WHERE id = ?")) {
        statement.setLong(1, id);
        statement.executeUpdate();
      }
      return "dashboard at /procrastinate: overview 200, job cancelled through its form";
    }
  }

  private static HttpResponse<String> get(HttpClient client, String uri) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(uri)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("scenario step failed: " + what);
    }
  }
}
