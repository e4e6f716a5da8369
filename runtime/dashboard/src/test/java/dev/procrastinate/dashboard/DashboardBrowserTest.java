package dev.procrastinate.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.App;
import dev.procrastinate.JobManager;
import dev.procrastinate.NewJob;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.testing.Await;
import dev.procrastinate.testing.TestDatabase;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless browser (Debian's chromium and chromium-driver, driven by
 * Selenium), over a real database and a real worker: every page, the filtered list, a job's page,
 * retry, cancel and abort with their confirmations, figures changing live, a read-only dashboard
 * refusing an action, markup in a job showing as text, and pausing a queue and setting a limit.
 * Takes the README's screenshots into the module's docs folder.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class DashboardBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static App app;
  private static JobManager jobs;
  private static Worker worker;
  private static DashboardServer server;
  private static DashboardServer readOnlyServer;
  private static WebDriver browser;
  private static WebDriverWait wait;
  private static long failedJob;

  @BeforeAll
  static void setUp() throws Exception {
    assertThat(CHROMIUM)
        .as("the browser tests need Debian's chromium (apt-get install chromium; .ci/run does)")
        .isExecutable();
    assertThat(CHROMEDRIVER)
        .as("the browser tests need chromium-driver (apt-get install chromium-driver)")
        .isExecutable();
    app =
        App.builder()
            .dataSource(DB.dataSource())
            .taskRegistrars(List.of(DemoTasks.registrar()))
            .build();
    jobs = app.jobManager();
    for (int i = 0; i < 12; i++) {
      jobs.defer(
          NewJob.builder(DemoTasks.WELCOME)
              .queue("emails")
              .arg("user_id", 1000 + i)
              .arg("template", i % 2 == 0 ? "welcome" : "reminder")
              .build());
    }
    failedJob =
        jobs.defer(
            NewJob.builder(DemoTasks.FLAKY)
                .queue("imports")
                .arg("file", "customers-2026-11.csv")
                .build());
    // The imports queue is served by one-shot workers only, so that a retried import waits
    // until the test runs one.
    runImports();
    assertThat(jobs.getStatus(failedJob)).contains(JobStatus.FAILED);
    worker =
        app.worker(
            WorkerOptions.builder()
                .installSignalHandlers(false)
                .name("dashboard-test")
                .queues("emails", "reports")
                .concurrency(2)
                .shutdownGracefulTimeout(Duration.ofSeconds(2))
                .fetchJobPollingInterval(Duration.ofMillis(200))
                .abortJobPollingInterval(Duration.ofMillis(200))
                .build());
    worker.start();
    Await.until(
        Duration.ofSeconds(30),
        () -> jobs.countByStatus("emails").get(JobStatus.SUCCEEDED) == 12,
        "the worker to run the emails");

    Dashboard dashboard = Dashboard.builder(app).refreshInterval(Duration.ofMillis(300)).build();
    server = DashboardServer.start(dashboard, DashboardServer.Options.local(0));
    readOnlyServer =
        DashboardServer.start(
            Dashboard.builder(app).readOnly(true).build(), DashboardServer.Options.local(0));

    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,860");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    wait = new WebDriverWait(browser, Duration.ofSeconds(20));
  }

  @AfterAll
  static void tearDown() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
    if (readOnlyServer != null) {
      readOnlyServer.close();
    }
    if (worker != null) {
      worker.close();
    }
    if (app != null) {
      app.close();
    }
  }

  private static void runImports() throws InterruptedException {
    try (Worker oneShot =
        app.worker(
            WorkerOptions.builder()
                .installSignalHandlers(false)
                .name("imports")
                .queues("imports")
                .waitForJobs(false)
                .build())) {
      oneShot.run();
    }
  }

  private static void open(String path) {
    browser.get(server.uri().resolve(path).toString());
  }

  /** Reads an element's text; a live refresh may swap the element between finding and reading. */
  private static String text(String id) {
    return textOf(By.id(id));
  }

  /** Reads an element's text, found again if a live refresh swapped it meanwhile. */
  private static String textOf(By by) {
    return wait.ignoring(StaleElementReferenceException.class)
        .until(driver -> driver.findElement(by).getText());
  }

  /** Clicks an element, found again if a live refresh swapped it meanwhile. */
  private static void click(By by) {
    wait.ignoring(StaleElementReferenceException.class)
        .until(
            driver -> {
              driver.findElement(by).click();
              return true;
            });
  }

  private static void screenshot(String name) throws Exception {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    // Into target/ by default, so a build leaves the tracked files alone; the README's images are
    // refreshed with -Dprocrastinate.screenshots=docs.
    Path docs = Path.of(System.getProperty("procrastinate.screenshots", "target/screenshots"));
    Files.createDirectories(docs);
    Files.copy(shot.toPath(), docs.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  /** Marks the current document, to tell a live update from a reload. */
  private static void markDocument() {
    ((JavascriptExecutor) browser).executeScript("window.notReloaded = true;");
  }

  private static boolean documentNotReloaded() {
    return Boolean.TRUE.equals(
        ((JavascriptExecutor) browser).executeScript("return window.notReloaded === true;"));
  }

  @Test
  @Order(1)
  void opensEveryPage() throws Exception {
    open("/");
    assertThat(browser.getTitle()).startsWith("Overview");
    assertThat(textOf(By.cssSelector("#queues tr[data-queue=emails] td[data-status=succeeded]")))
        .isEqualTo("12");
    assertThat(text("chart-total")).isEqualTo("13 in the last hour");
    assertThat(textOf(By.cssSelector("#workers tr td:last-child"))).isEqualTo("alive");
    assertThat(textOf(By.id("failing-tasks"))).contains(DemoTasks.FLAKY + " 1");
    assertThat(textOf(By.id("failing-exceptions"))).contains("java.lang.IllegalStateException 1");
    screenshot("overview.png");

    String[][] pages = {
      {"Jobs", "Jobs"},
      {"Tasks", "Tasks"},
      {"Locks", "Locks"},
      {"Periodic", "Periodic schedules"},
      {"Workers", "Workers"},
      {"Overview", "Overview"}
    };
    for (String[] page : pages) {
      click(By.linkText(page[0]));
      wait.until(ExpectedConditions.textToBe(By.tagName("h1"), page[1]));
    }
    click(By.linkText("Tasks"));
    assertThat(textOf(By.id("known-tasks")))
        .contains(DemoTasks.REPORT, "reports", DemoTasks.NIGHTLY_CRON);
    assertThat(textOf(By.id("seen-tasks"))).contains(DemoTasks.WELCOME);
    click(By.linkText("Periodic"));
    assertThat(textOf(By.id("periodic"))).contains(DemoTasks.NIGHTLY, DemoTasks.NIGHTLY_CRON);
  }

  @Test
  @Order(2)
  void filtersTheListAndOpensAJob() throws Exception {
    open("/jobs");
    assertThat(browser.findElements(By.cssSelector("#jobs tbody tr"))).hasSize(13);
    new Select(browser.findElement(By.id("f-status"))).selectByValue("failed");
    browser.findElement(By.id("f-queue")).sendKeys("imports");
    click(By.id("apply-filter"));
    wait.until(ExpectedConditions.urlContains("status=failed"));
    assertThat(browser.getCurrentUrl()).contains("queue=imports");
    assertThat(browser.findElements(By.cssSelector("#jobs tbody tr"))).hasSize(1);
    String listed =
        wait.ignoring(StaleElementReferenceException.class)
            .until(
                driver ->
                    driver
                        .findElement(By.cssSelector("#jobs tbody tr"))
                        .getDomAttribute("data-job"));
    assertThat(listed).isEqualTo(String.valueOf(failedJob));

    // The filter is in the URL: opening it again gives the same list.
    String shared = browser.getCurrentUrl();
    browser.get(shared);
    assertThat(browser.findElements(By.cssSelector("#jobs tbody tr"))).hasSize(1);

    click(By.linkText("#" + failedJob));
    wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Job #" + failedJob));
    assertThat(text("job-status")).isEqualTo("failed");
    assertThat(text("job-args")).isEqualTo("{\n  \"file\" : \"customers-2026-11.csv\"\n}");
    assertThat(text("timeline")).contains("deferred", "started", "failed");
    screenshot("job.png");
  }

  @Test
  @Order(3)
  void retriesAFailedJobAndSeesItsStatusChangeLive() throws Exception {
    open("/jobs?queue=imports");
    assertThat(
            browser
                .findElement(By.cssSelector("tr[data-job='" + failedJob + "'] td.last-error"))
                .getText())
        .isEqualTo("IllegalStateException: first run fails");
    // Found by its failure, from the overview's link or the filter's field.
    open("/");
    click(By.linkText("java.lang.IllegalStateException"));
    wait.until(
        ExpectedConditions.attributeToBe(
            By.id("f-failure"), "value", "java.lang.IllegalStateException"));
    assertThat(browser.findElements(By.cssSelector("#jobs tbody tr")))
        .extracting(row -> row.getAttribute("data-job"))
        .containsExactly(String.valueOf(failedJob));
    open("/jobs/" + failedJob);
    // Why it failed, folded: the exception in the summary, its stack trace opened on click.
    WebElement failure = browser.findElement(By.id("failure-1"));
    assertThat(failure.findElement(By.tagName("summary")).getText())
        .contains("Attempt 1", "failed", "java.lang.IllegalStateException: first run fails");
    WebElement trace = failure.findElement(By.className("trace"));
    assertThat(trace.isDisplayed()).isFalse();
    click(By.cssSelector("#failure-1 summary"));
    wait.until(ExpectedConditions.visibilityOf(trace));
    assertThat(trace.getText())
        .startsWith("java.lang.IllegalStateException: first run fails")
        .contains("at dev.procrastinate.dashboard.DemoTasks");
    screenshot("job-failure.png");
    click(By.id("action-retry"));
    assertThat(text("question")).startsWith("Retry job #" + failedJob);
    click(By.id("confirm-button"));
    wait.until(ExpectedConditions.textToBe(By.id("notice"), "Job retried."));
    assertThat(text("job-status")).isEqualTo("todo");
    markDocument();

    runImports();
    wait.until(ExpectedConditions.textToBe(By.id("job-status"), "succeeded"));
    assertThat(documentNotReloaded()).as("the status changed without a reload").isTrue();
    wait.until(driver -> text("timeline").contains("succeeded"));
    assertThat(text("timeline")).contains("retried", "succeeded");
    assertThat(jobs.getStatus(failedJob)).contains(JobStatus.SUCCEEDED);
  }

  @Test
  @Order(4)
  void cancelsAWaitingJob() {
    long later =
        jobs.defer(
            NewJob.builder(DemoTasks.WELCOME)
                .queue("emails")
                .scheduleIn(Duration.ofHours(2))
                .arg("user_id", 77)
                .arg("template", "welcome")
                .build());
    open("/jobs/" + later);
    assertThat(text("job-status")).isEqualTo("todo");
    click(By.id("action-cancel"));
    assertThat(text("question")).startsWith("Cancel job #" + later);
    click(By.id("confirm-button"));
    wait.until(ExpectedConditions.textToBe(By.id("notice"), "Job cancelled."));
    assertThat(text("job-status")).isEqualTo("cancelled");
    assertThat(jobs.getStatus(later)).contains(JobStatus.CANCELLED);
  }

  @Test
  @Order(5)
  void abortsARunningJob() throws Exception {
    long report =
        jobs.defer(NewJob.builder(DemoTasks.REPORT).queue("reports").lock("reports").build());
    Await.until(
        Duration.ofSeconds(20),
        () -> jobs.getStatus(report).orElseThrow() == JobStatus.DOING,
        "the report to start");
    open("/jobs/" + report);
    assertThat(text("job-status")).isEqualTo("doing");
    open("/locks");
    assertThat(textOf(By.cssSelector("#locks tr[data-lock=reports]"))).contains("reports 1 0");
    open("/jobs/" + report);
    click(By.id("action-abort"));
    click(By.id("confirm-button"));
    wait.until(
        ExpectedConditions.textToBe(
            By.id("notice"), "Abort requested: the job stops at its worker's next check."));
    markDocument();
    wait.until(ExpectedConditions.textToBe(By.id("job-status"), "aborted"));
    assertThat(documentNotReloaded()).isTrue();
    assertThat(jobs.getStatus(report)).contains(JobStatus.ABORTED);
  }

  @Test
  @Order(6)
  void retriesEveryFailedJobOfAFilter() throws Exception {
    for (int i = 0; i < 3; i++) {
      jobs.defer(NewJob.builder(DemoTasks.FLAKY).queue("imports").arg("file", i + ".csv").build());
    }
    runImports();
    open("/jobs?status=failed&queue=imports");
    assertThat(browser.findElements(By.cssSelector("#jobs tbody tr"))).hasSize(3);
    click(By.id("bulk-retry"));
    assertThat(text("question"))
        .isEqualTo("Retry 3 failed jobs matching status failed, queue imports?");
    click(By.id("confirm-button"));
    wait.until(ExpectedConditions.textToBe(By.id("notice"), "Retried 3 jobs."));
    assertThat(browser.findElements(By.id("no-jobs"))).hasSize(1);
  }

  @Test
  @Order(7)
  void aReadOnlyDashboardRefusesAnAction() {
    long waiting =
        jobs.defer(
            NewJob.builder(DemoTasks.WELCOME)
                .queue("emails")
                .scheduleIn(Duration.ofHours(2))
                .arg("user_id", 5)
                .arg("template", "welcome")
                .build());
    browser.get(readOnlyServer.uri().resolve("/jobs/" + waiting).toString());
    assertThat(text("read-only")).isEqualTo("read-only");
    assertThat(browser.findElements(By.id("action-cancel"))).isEmpty();
    browser.get(readOnlyServer.uri().resolve("/jobs/" + waiting + "/cancel").toString());
    assertThat(textOf(By.tagName("h1"))).isEqualTo("403 · Read-only");
    Object status =
        ((JavascriptExecutor) browser)
            .executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                    + "fetch('/jobs/"
                    + waiting
                    + "/cancel', {method: 'POST', body: new URLSearchParams({csrf: 'x'})})"
                    + ".then(function (r) { done(r.status); });");
    assertThat(((Number) status).intValue()).isEqualTo(403);
    assertThat(jobs.getStatus(waiting)).contains(JobStatus.TODO);
  }

  @Test
  @Order(8)
  void badAddressesGetAPageThatSaysSo() {
    open("/jobs/not-a-number");
    assertThat(textOf(By.tagName("h1"))).isEqualTo("400 · Bad request");
    assertThat(text("problem")).contains("'not-a-number' is not a job id");
    open("/jobs/424242");
    assertThat(textOf(By.tagName("h1"))).isEqualTo("404 · Not found");
    open("/jobs?from=soon");
    assertThat(text("problem")).contains("Parameter 'from' must be a time");
  }

  @Test
  @Order(9)
  void showsMarkupInAJobAsText() {
    String task = "<img src=x onerror=\"window.pwned = true\">";
    String argument = "</pre><script>window.pwned = true;</script>";
    long hostile = jobs.defer(NewJob.builder(task).queue("hostile").arg("note", argument).build());
    open("/jobs?queue=hostile");
    assertThat(textOf(By.cssSelector("#jobs tr[data-job='" + hostile + "'] td.task")))
        .isEqualTo(task);
    open("/jobs/" + hostile);
    assertThat(textOf(By.cssSelector("#job-facts a[href*='task=']"))).isEqualTo(task);
    assertThat(text("job-args")).isEqualTo("{\n  \"note\" : \"" + argument + "\"\n}");
    assertThat(browser.findElements(By.cssSelector("main script, main img"))).isEmpty();
    assertThat(((JavascriptExecutor) browser).executeScript("return window.pwned === true;"))
        .isEqualTo(false);
  }

  @Test
  @Order(10)
  void pausesAndResumesAQueueThenSetsAndClearsALimit() throws Exception {
    open("/");
    click(By.cssSelector("#queues tr[data-queue=imports] a[data-action=pause]"));
    assertThat(text("question")).startsWith("Pause queue imports? No worker of this runtime");
    click(By.id("confirm-button"));
    wait.until(
        ExpectedConditions.textToBe(
            By.id("notice"),
            "Queue imports paused: no worker of this runtime starts its jobs until it is resumed;"
                + " the jobs running now finish. Python workers do not obey."));
    assertThat(textOf(By.cssSelector("#queues tr[data-queue=imports] .badge.paused")))
        .isEqualTo("paused");
    assertThat(jobs.flowControls())
        .singleElement()
        .satisfies(control -> assertThat(control.paused()).isTrue());

    click(By.cssSelector("#queues tr[data-queue=imports] a[data-action=resume]"));
    assertThat(text("question")).startsWith("Resume queue imports?");
    click(By.id("confirm-button"));
    wait.until(
        ExpectedConditions.textToBe(
            By.id("notice"), "Queue imports resumed: its workers start its jobs again."));
    assertThat(browser.findElements(By.cssSelector("#queues tr[data-queue=imports] .badge")))
        .isEmpty();
    assertThat(jobs.flowControls()).isEmpty();

    click(By.linkText("Limits"));
    wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Limits"));
    assertThat(browser.findElements(By.id("no-limits"))).hasSize(1);
    new Select(browser.findElement(By.id("l-scope"))).selectByValue("task");
    browser.findElement(By.id("l-name")).sendKeys(DemoTasks.WELCOME);
    browser.findElement(By.id("l-concurrency")).sendKeys("0");
    browser.findElement(By.id("l-rate")).sendKeys("10/s");
    click(By.id("set-limit"));
    // Refused with why, the form as it was filled.
    assertThat(text("limit-error"))
        .startsWith("Concurrency '0' is not a whole number of at least 1");
    WebElement concurrency = browser.findElement(By.id("l-concurrency"));
    assertThat(concurrency.getDomProperty("value")).isEqualTo("0");
    concurrency.clear();
    concurrency.sendKeys("2");
    click(By.id("set-limit"));
    assertThat(text("question"))
        .startsWith("Set concurrency 2 and rate 10/1s on task " + DemoTasks.WELCOME + "?");
    click(By.id("confirm-button"));
    wait.until(
        ExpectedConditions.textToBe(
            By.id("notice"),
            "Limits of task "
                + DemoTasks.WELCOME
                + " set: every worker of this runtime obeys them from its next fetch."));
    String row = "#limits tr[data-target='task=" + DemoTasks.WELCOME + "']";
    assertThat(textOf(By.cssSelector(row + " td[data-limit=concurrency]"))).isEqualTo("2");
    assertThat(textOf(By.cssSelector(row + " td[data-limit=rate]"))).isEqualTo("10/1s");
    screenshot("limits.png");

    click(By.cssSelector(row + " a[data-action=clear]"));
    assertThat(text("question"))
        .startsWith("Clear concurrency 2 and rate 10/1s of task " + DemoTasks.WELCOME + "?");
    click(By.id("confirm-button"));
    wait.until(
        ExpectedConditions.textToBe(
            By.id("notice"),
            "Limits of task "
                + DemoTasks.WELCOME
                + " cleared: the limits its code declares, if any, apply again."));
    assertThat(browser.findElements(By.id("no-limits"))).hasSize(1);
    assertThat(jobs.flowControls()).isEmpty();
  }

  @Test
  @Order(11)
  void showsAStepsWorkflowAndWhyItsLaterStepsWereCancelled() {
    NewJob step = NewJob.builder(DemoTasks.WELCOME).queue("flows").arg("user_id", 1).build();
    List<Long> ids =
        jobs.defer(
            dev.procrastinate.Workflow.chain(
                step, dev.procrastinate.Workflow.group(step, step).then(step)));
    open("/jobs/" + ids.get(0));
    assertThat(browser.findElements(By.cssSelector("#job-workflow tbody tr"))).hasSize(4);
    assertThat(textOf(By.cssSelector("#job-workflow tr[data-step='" + ids.get(3) + "']")))
        .contains("waiting", "#" + ids.get(1) + ", #" + ids.get(2));
    assertThat(
            browser.findElements(
                By.cssSelector("#job-workflow tr[data-step='" + ids.get(3) + "'] a")))
        .as("a waiting step is no job yet: no link")
        .isEmpty();

    assertThat(jobs.cancel(ids.get(0))).isTrue();
    click(By.cssSelector("#job-workflow tr[data-step='" + ids.get(0) + "'] a"));
    assertThat(textOf(By.cssSelector("#job-workflow tr[data-step='" + ids.get(3) + "']")))
        .contains("cancelled", "job " + ids.get(0) + " (" + DemoTasks.WELCOME + ") was cancelled");
    click(By.cssSelector("#job-workflow tr[data-step='" + ids.get(3) + "'] a"));
    assertThat(textOf(By.tagName("h1"))).isEqualTo("Job #" + ids.get(3));
  }
}
