package dev.procrastinate.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.procrastinate.App;
import dev.procrastinate.AppConfig;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.dashboard.DashboardCredentials;
import dev.procrastinate.dashboard.DashboardServer;
import dev.procrastinate.internal.builtin.BuiltinTasks;
import dev.procrastinate.internal.config.SettingsSource;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Keeps the README and the manual under {@code runtime/docs} true to the code:
 *
 * <ul>
 *   <li>every relative link resolves to a file of the repository, and every {@code #anchor} to a
 *       heading of its page (GitHub's anchor rules);
 *   <li>every code sample marked {@code <!-- sample: path -->} is, line for line, part of the file
 *       it names (the Spring Boot application under {@code it/src/it/spring-boot}, which the build
 *       compiles, tests and runs);
 *   <li>every {@code procrastinate.*} property, {@code PROCRASTINATE_*} variable, command-line
 *       option ({@code --foo}) and Maven goal ({@code procrastinate:foo}) the docs name exists in
 *       its source, and the configuration reference lists every one that exists.
 * </ul>
 *
 * <p>The sources: the settings the runtime, the dashboard and the test extension read (recorded
 * while they read them), the Spring Boot starter's generated configuration metadata, the Maven
 * plugin's descriptor, the command line's picocli annotations and the processor's options (read
 * from their sources: neither jar is on this module's class path), the public builders' methods.
 */
class DocsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path MANUAL = ROOT.resolve("runtime/docs");
  private static final Path REFERENCE = MANUAL.resolve("configuration.md");

  private static final Pattern SAMPLE =
      Pattern.compile("<!-- sample: (\\S+) -->\\n```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL);
  private static final Pattern FENCE = Pattern.compile("(?ms)^```.*?^```[ \\t]*$");
  private static final Pattern LINK =
      Pattern.compile("!?\\[((?:[^\\]\\[]|\\[[^\\]]*\\])*)\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
  private static final Pattern HEADING = Pattern.compile("(?m)^(#{1,6})\\s+(.+?)\\s*#*\\s*$");

  /**
   * A property: {@code procrastinate.} at the start of a word, or after {@code -D} (a system
   * property), {@code -A} (a processor option) or {@code --} (Spring Boot's command line); not a
   * Java package ({@code dev.procrastinate.model}), a URL or a Maven coordinate.
   */
  private static final Pattern PROPERTY =
      Pattern.compile(
          "(?:(?<=-[DA])|(?<=--)|(?<![\\w./:@\\-]))(procrastinate\\.[A-Za-z0-9_.\\-]*[A-Za-z0-9_*])");

  private static final Pattern VARIABLE =
      Pattern.compile("(?<![\\w.])(PROCRASTINATE_[A-Z0-9_]*[A-Z0-9*])");
  private static final Pattern LONG_OPTION =
      Pattern.compile("(?<![\\w\\-\\[])(--[a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?![\\w.\\-])");
  private static final Pattern GOAL =
      Pattern.compile("(?<![\\w.\\-])procrastinate:([a-z][a-z\\-]*[a-z])");

  /** Long options of other programs the docs run: psql and headless Chromium. */
  private static final Set<String> OTHER_PROGRAMS_OPTIONS =
      Set.of(
          "--single-transaction",
          "--headless",
          "--no-sandbox",
          "--hide-scrollbars",
          "--window-size",
          "--screenshot");

  /**
   * Names in the docs that are neither settings nor code: the Maven property {@code
   * procrastinate.version} of the users' POMs, and the Django setting {@code
   * PROCRASTINATE_ON_APP_READY} of Python Procrastinate.
   */
  private static final Set<String> OUTSIDE_NAMES =
      Set.of("procrastinate.version", "PROCRASTINATE_ON_APP_READY");

  private record Doc(Path path, String text) {
    String prose() {
      return FENCE.matcher(text).replaceAll("");
    }

    String name() {
      return ROOT.relativize(path).toString();
    }
  }

  private record Sample(Doc doc, String path, String code) {}

  private static List<Doc> docs() throws IOException {
    List<Path> paths = new ArrayList<>();
    paths.add(ROOT.resolve("README.md"));
    try (Stream<Path> files = Files.list(MANUAL)) {
      files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(paths::add);
    }
    List<Doc> docs = new ArrayList<>();
    for (Path path : paths) {
      docs.add(new Doc(path, Files.readString(path).replace("\r\n", "\n")));
    }
    return docs;
  }

  private static Doc reference() throws IOException {
    return new Doc(REFERENCE, Files.readString(REFERENCE).replace("\r\n", "\n"));
  }

  // Links and anchors.

  @Test
  void everyRelativeLinkResolvesToAFileAndEveryAnchorToAHeading() throws Exception {
    List<String> broken = new ArrayList<>();
    int links = 0;
    for (Doc doc : docs()) {
      Matcher link = LINK.matcher(doc.prose());
      while (link.find()) {
        String target = link.group(2);
        if (target.matches("(?i)[a-z][a-z0-9+.\\-]*:.*")) {
          continue; // https:, mailto:
        }
        links++;
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = file.isEmpty() ? doc.path() : doc.path().getParent().resolve(file);
        resolved = resolved.normalize();
        if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
          broken.add(doc.name() + ": " + target + " (no such file)");
          continue;
        }
        if (anchor != null) {
          if (!resolved.toString().endsWith(".md")) {
            broken.add(doc.name() + ": " + target + " (an anchor into a file that is no page)");
          } else if (!anchors(Files.readString(resolved)).contains(anchor)) {
            broken.add(
                doc.name()
                    + ": "
                    + target
                    + " (no such heading; the page has "
                    + anchors(Files.readString(resolved))
                    + ")");
          }
        }
      }
    }
    assertThat(links).as("relative links of the docs").isGreaterThan(100);
    assertThat(broken).as("broken links").isEmpty();
  }

  /** The anchors GitHub gives a page's headings. */
  static Set<String> anchors(String markdown) {
    Set<String> anchors = new TreeSet<>();
    Map<String, Integer> seen = new HashMap<>();
    Matcher heading = HEADING.matcher(FENCE.matcher(markdown.replace("\r\n", "\n")).replaceAll(""));
    while (heading.find()) {
      String slug = slug(heading.group(2));
      int count = seen.merge(slug, 1, Integer::sum);
      anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
    }
    return anchors;
  }

  /**
   * GitHub's anchor of a heading: its text without markup, in lower case, without punctuation other
   * than hyphens and underscores, spaces made hyphens.
   */
  static String slug(String heading) {
    String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "");
    text = text.replace("*", "").toLowerCase(Locale.ROOT);
    return text.replaceAll("[^\\p{L}\\p{N} _\\-]", "").replace(' ', '-');
  }

  @Test
  void anchorsFollowGitHubsRules() {
    assertThat(slug("Relations to jobs: `relation-sql`"))
        .isEqualTo("relations-to-jobs-relation-sql");
    assertThat(slug("Why is `@Retry(maxAttempts = 0)` an error?"))
        .isEqualTo("why-is-retrymaxattempts--0-an-error");
    assertThat(slug("Running one module's tests fast")).isEqualTo("running-one-modules-tests-fast");
    assertThat(anchors("# A\n## Notes\n```\n# not a heading\n```\n## Notes\n"))
        .containsExactly("a", "notes", "notes-1");
  }

  // Samples.

  @Test
  void everyMarkedSampleIsCodeTheBuildCompiles() throws Exception {
    List<Sample> samples = new ArrayList<>();
    for (Doc doc : docs()) {
      Matcher matcher = SAMPLE.matcher(doc.text());
      while (matcher.find()) {
        samples.add(new Sample(doc, matcher.group(1), matcher.group(2)));
      }
    }

    assertThat(samples).as("the docs' marked samples").hasSizeGreaterThanOrEqualTo(5);
    for (Sample sample : samples) {
      Path file = ROOT.resolve(sample.path());
      assertThat(file).as("the file a sample of " + sample.doc().name() + " names").isRegularFile();
      assertThat(Files.readString(file).replace("\r\n", "\n"))
          .as("sample of " + sample.doc().name() + " from " + sample.path())
          .contains(sample.code());
    }
  }

  // Names the docs use.

  @Test
  void everyPropertyTheDocsNameExists() throws Exception {
    Set<String> known = new TreeSet<>();
    known.addAll(settingsRead());
    known.addAll(springBootProperties().keySet());
    known.addAll(pluginProperties());
    known.addAll(processorOptions());
    known.addAll(meterNames());
    known.addAll(loggerNames());
    known.addAll(screenshotProperties());
    // The attributes procrastinate-opentelemetry puts on its spans.
    known.addAll(
        sourceLiterals("runtime/opentelemetry/src/main/java", "\"(procrastinate\\.[a-z.]+)\""));
    known.add(SettingsSource.PROPERTIES_RESOURCE);
    known.add(BuiltinTasks.REMOVE_OLD_JOBS_ALIAS);
    Set<String> spring = new TreeSet<>();
    springBootProperties().keySet().forEach(name -> spring.add(kebab(name)));

    List<String> unknown = new ArrayList<>();
    int named = 0;
    for (Doc doc : docs()) {
      Matcher property = PROPERTY.matcher(doc.text());
      while (property.find()) {
        named++;
        String name = property.group(1);
        if (!OUTSIDE_NAMES.contains(name) && !isKnown(name, known, spring)) {
          unknown.add(doc.name() + ": " + name);
        }
      }
    }
    assertThat(named).as("procrastinate.* names in the docs").isGreaterThan(100);
    assertThat(unknown).as("properties the docs name but no source has").isEmpty();
  }

  private static boolean isKnown(String name, Set<String> known, Set<String> spring) {
    if (name.endsWith(".*")) {
      String prefix = name.substring(0, name.length() - 2);
      return Stream.concat(known.stream(), spring.stream())
          .anyMatch(k -> k.equals(prefix) || k.startsWith(prefix + "."));
    }
    // Spring Boot's relaxed binding: procrastinate.worker.deleteJobs is ...delete-jobs.
    return known.contains(name) || spring.contains(kebab(name));
  }

  @Test
  void everyEnvironmentVariableTheDocsNameExists() throws Exception {
    Set<String> known = new TreeSet<>();
    for (String setting : settingsRead()) {
      known.add(SettingsSource.environmentName(setting.substring("procrastinate.".length())));
    }
    known.addAll(sourceLiterals("runtime/cli/src/main/java", "(PROCRASTINATE_[A-Z_]+)"));
    known.addAll(
        sourceLiterals("it/src/main/java/dev/procrastinate/bench", "(PROCRASTINATE_[A-Z_]+)"));

    List<String> unknown = new ArrayList<>();
    for (Doc doc : docs()) {
      Matcher variable = VARIABLE.matcher(doc.text());
      while (variable.find()) {
        String name = variable.group(1);
        boolean ok =
            name.endsWith("*")
                ? known.stream().anyMatch(k -> k.startsWith(name.substring(0, name.length() - 1)))
                : known.contains(name) || OUTSIDE_NAMES.contains(name);
        if (!ok) {
          unknown.add(doc.name() + ": " + name);
        }
      }
    }
    assertThat(unknown).as("environment variables the docs name but no source reads").isEmpty();
  }

  @Test
  void everyCommandLineOptionTheDocsNameExists() throws Exception {
    Set<String> options = commandLineOptions().keySet();
    List<String> unknown = new ArrayList<>();
    int named = 0;
    for (Doc doc : docs()) {
      Matcher option = LONG_OPTION.matcher(doc.text());
      while (option.find()) {
        named++;
        String name = option.group(1);
        if (!options.contains(name) && !OTHER_PROGRAMS_OPTIONS.contains(name)) {
          unknown.add(doc.name() + ": " + name);
        }
      }
    }
    assertThat(named).as("--options in the docs").isGreaterThan(50);
    assertThat(unknown)
        .as("command-line options the docs name but the command line lacks")
        .isEmpty();
  }

  @Test
  void everyMavenGoalTheDocsNameExists() throws Exception {
    Set<String> goals = pluginGoals().keySet();
    List<String> unknown = new ArrayList<>();
    for (Doc doc : docs()) {
      Matcher goal = GOAL.matcher(doc.text());
      while (goal.find()) {
        if (!goals.contains(goal.group(1))) {
          unknown.add(doc.name() + ": procrastinate:" + goal.group(1));
        }
      }
    }
    assertThat(unknown).as("goals the docs name but the plugin lacks").isEmpty();
  }

  // The configuration reference lists everything.

  @Test
  void theReferenceListsEverySettingAndItsVariable() throws Exception {
    String reference = reference().text();
    List<String> missing = new ArrayList<>();
    for (String setting : settingsRead()) {
      String variable =
          SettingsSource.environmentName(setting.substring("procrastinate.".length()));
      for (String name : List.of(setting, variable)) {
        if (!reference.contains("`" + name + "`")) {
          missing.add(name);
        }
      }
    }
    assertThat(missing).as("settings missing from " + REFERENCE).isEmpty();
  }

  @Test
  void theReferenceListsEverySpringBootProperty() throws Exception {
    String reference = reference().text();
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, String> property : springBootProperties().entrySet()) {
      String name = property.getKey();
      String shown = property.getValue().startsWith("java.util.Map<") ? name + ".*" : name;
      if (!reference.contains("`" + shown + "`")) {
        missing.add(shown);
      }
    }
    assertThat(missing).as("Spring Boot properties missing from " + REFERENCE).isEmpty();
  }

  @Test
  void theReferenceListsEveryCommandLineOptionAndCommand() throws Exception {
    String reference = reference().text();
    String commandLine = Files.readString(MANUAL.resolve("command-line.md"));
    List<String> missing = new ArrayList<>();
    for (String option : commandLineOptions().keySet()) {
      if (!Pattern.compile("`" + Pattern.quote(option) + "[` ]").matcher(reference).find()) {
        missing.add(option);
      }
    }
    for (String command : commandLineCommands()) {
      if (!reference.contains("`" + command) || !commandLine.contains("`" + command)) {
        missing.add("command " + command);
      }
    }
    assertThat(missing).as("command-line options missing from " + REFERENCE).isEmpty();
  }

  @Test
  void theReferenceListsEveryMavenGoalAndParameter() throws Exception {
    String reference = reference().text();
    String plugin = Files.readString(MANUAL.resolve("maven-plugin.md"));
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, List<String>> goal : pluginGoals().entrySet()) {
      if (!reference.contains("`" + goal.getKey() + "`")
          || !plugin.contains("`" + goal.getKey() + "`")) {
        missing.add("goal " + goal.getKey());
      }
      for (String parameter : goal.getValue()) {
        if (!reference.contains("`" + parameter + "`")) {
          missing.add(goal.getKey() + " " + parameter);
        }
      }
    }
    assertThat(missing).as("goals and parameters missing from " + REFERENCE).isEmpty();
  }

  @Test
  void theReferenceListsEveryBuilderOptionAndProcessorOption() throws Exception {
    String reference = reference().text();
    List<String> missing = new ArrayList<>();
    for (Class<?> builder : List.of(WorkerOptions.Builder.class, App.Builder.class)) {
      for (Method method : builder.getDeclaredMethods()) {
        if (Modifier.isPublic(method.getModifiers())
            && !method.getName().equals("build")
            && !reference.contains("`" + method.getName())) {
          missing.add(builder.getName() + "." + method.getName());
        }
      }
    }
    for (String option : processorOptions()) {
      if (!reference.contains("`" + option + "`")) {
        missing.add(option);
      }
    }
    assertThat(missing).as("options missing from " + REFERENCE).isEmpty();
  }

  // The shape of the docs.

  @Test
  void pagesOpenWithAnIntroLongOnesWithContentsAndTheIndexListsThemAll() throws Exception {
    List<String> problems = new ArrayList<>();
    String index = Files.readString(MANUAL.resolve("index.md"));
    for (Doc doc : docs()) {
      String[] lines = doc.text().split("\n", -1);
      if (!lines[0].startsWith("# ")
          || !lines[1].isEmpty()
          || !lines[2].matches("[A-Za-z`\\[].*")) {
        problems.add(doc.name() + ": does not open with a title and an introduction");
      }
      if (doc.path().startsWith(MANUAL)) {
        String file = doc.path().getFileName().toString();
        if (!file.equals("index.md") && !index.contains("](" + file + ")")) {
          problems.add(doc.name() + ": not listed in index.md");
        }
        String beforeFirstSection = doc.text().split("\n## ", 2)[0];
        if (lines.length > 150 && !beforeFirstSection.contains("](#")) {
          problems.add(doc.name() + ": " + lines.length + " lines without a table of contents");
        }
      }
    }
    int readme = Files.readAllLines(ROOT.resolve("README.md")).size();
    if (readme > 250) {
      problems.add("README.md: " + readme + " lines; the manual is where details go");
    }
    assertThat(problems).isEmpty();
  }

  // The sources.

  /**
   * The settings ({@code procrastinate.<key>}) that the runtime, the dashboard server and the test
   * extension read, recorded while they read the system properties, where every setting is looked
   * up first.
   */
  static Set<String> settingsRead() throws Exception {
    Properties saved = System.getProperties();
    RecordingProperties recording = new RecordingProperties();
    recording.putAll(saved);
    recording.setProperty("procrastinate.url", "jdbc:postgresql://localhost:5432/docs");
    recording.setProperty(
        "procrastinate.test.database.url", "jdbc:postgresql://localhost:5432/docs");
    ClassLoader loader = DocsTest.class.getClassLoader();
    System.setProperties(recording);
    try {
      AppConfig.fromEnvironment();
      WorkerOptions.fromEnvironment();
      DashboardCredentials.fromSettings(loader);
      DashboardServer.allowedHostsFromSettings(loader);
      // Where @ProcrastinateTest finds its server; not API, so reached by reflection.
      Method find = Class.forName("dev.procrastinate.test.TestServer").getDeclaredMethod("find");
      find.setAccessible(true);
      AutoCloseable server = (AutoCloseable) find.invoke(null);
      server.close();
    } finally {
      System.setProperties(saved);
    }
    Set<String> settings = new TreeSet<>();
    for (String key : recording.asked) {
      if (key.startsWith("procrastinate.")) {
        settings.add(key);
      }
    }
    assertThat(settings)
        .as("settings read")
        .contains("procrastinate.url", "procrastinate.worker.concurrency");
    return settings;
  }

  /** System properties that note every key looked up. */
  private static final class RecordingProperties extends Properties {
    private static final long serialVersionUID = 1L;
    private final transient Set<String> asked = Collections.synchronizedSet(new TreeSet<>());

    @Override
    public Object get(Object key) {
      if (key instanceof String name) {
        asked.add(name);
      }
      return super.get(key);
    }

    @Override
    public String getProperty(String key) {
      asked.add(key);
      return super.getProperty(key);
    }
  }

  /** The starter's properties and their types, from its generated configuration metadata. */
  static Map<String, String> springBootProperties() throws IOException {
    Map<String, String> properties = new LinkedHashMap<>();
    ObjectMapper json = new ObjectMapper();
    Enumeration<URL> files =
        DocsTest.class.getClassLoader().getResources("META-INF/spring-configuration-metadata.json");
    while (files.hasMoreElements()) {
      JsonNode metadata;
      try (InputStream in = files.nextElement().openStream()) {
        metadata = json.readTree(in);
      }
      for (JsonNode property : metadata.path("properties")) {
        String name = property.path("name").asText();
        if (name.startsWith("procrastinate.")) {
          properties.put(name, property.path("type").asText());
        }
      }
    }
    assertThat(properties)
        .as("the starter's configuration metadata")
        .containsKey("procrastinate.migrate");
    return properties;
  }

  /**
   * The plugin's goals and, for each, what the reference must name: the properties of its
   * parameters ({@code procrastinate.url}, or {@code detail} for the help goal), or {@code <name>}
   * for a parameter set in the POM only.
   */
  static Map<String, List<String>> pluginGoals() throws Exception {
    Document descriptor = pluginDescriptor();
    Map<String, List<String>> goals = new LinkedHashMap<>();
    NodeList mojos = descriptor.getElementsByTagName("mojo");
    for (int i = 0; i < mojos.getLength(); i++) {
      Element mojo = (Element) mojos.item(i);
      String goal = text(mojo, "goal");
      Map<String, String> expressions = new HashMap<>();
      Element configuration = child(mojo, "configuration");
      if (configuration != null) {
        for (Node node = configuration.getFirstChild();
            node != null;
            node = node.getNextSibling()) {
          if (node instanceof Element element) {
            expressions.put(element.getTagName(), element.getTextContent().trim());
          }
        }
      }
      List<String> names = new ArrayList<>();
      Element parameters = child(mojo, "parameters");
      for (Node node = parameters == null ? null : parameters.getFirstChild();
          node != null;
          node = node.getNextSibling()) {
        if (node instanceof Element parameter && "true".equals(text(parameter, "editable"))) {
          String name = text(parameter, "name");
          String expression = expressions.getOrDefault(name, "");
          names.add(
              expression.matches("\\$\\{[^}]+\\}")
                  ? expression.substring(2, expression.length() - 1)
                  : "<" + name + ">");
        }
      }
      goals.put(goal, names);
    }
    assertThat(goals).as("the plugin's goals").containsKeys("migrate", "worker");
    return goals;
  }

  static Set<String> pluginProperties() throws Exception {
    Set<String> properties = new TreeSet<>();
    pluginGoals().values().forEach(properties::addAll);
    return properties;
  }

  private static Document pluginDescriptor() throws Exception {
    Enumeration<URL> files =
        DocsTest.class.getClassLoader().getResources("META-INF/maven/plugin.xml");
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    while (files.hasMoreElements()) {
      try (InputStream in = files.nextElement().openStream()) {
        Document descriptor = factory.newDocumentBuilder().parse(in);
        Element prefix = child(descriptor.getDocumentElement(), "goalPrefix");
        if (prefix != null && prefix.getTextContent().trim().equals("procrastinate")) {
          return descriptor;
        }
      }
    }
    throw new AssertionError("no descriptor of procrastinate-maven-plugin on the class path");
  }

  private static String text(Element parent, String tag) {
    Element element = child(parent, tag);
    if (element == null) {
      throw new AssertionError("no <" + tag + "> in <" + parent.getTagName() + ">");
    }
    return element.getTextContent().trim();
  }

  private static @Nullable Element child(Element parent, String tag) {
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && element.getTagName().equals(tag)) {
        return element;
      }
    }
    return null;
  }

  /**
   * The command line's options, from the picocli annotations of its sources: each {@code @Option}'s
   * names, {@code --no-} forms of negatable ones, and the standard help options of commands that
   * mix them in. Mapped to the file that declares them.
   */
  static Map<String, String> commandLineOptions() throws IOException {
    Map<String, String> options = new LinkedHashMap<>();
    for (Path file : javaSources("runtime/cli/src/main/java")) {
      String source = Files.readString(file);
      for (String option : annotations(source, "Option")) {
        boolean negatable = option.matches("(?s).*\\bnegatable\\s*=\\s*true\\b.*");
        Matcher names =
            Pattern.compile("(?s)\\bnames\\s*=\\s*(\\{.*?\\}|\"[^\"]*\")").matcher(option);
        assertThat(names.find()).as("names of an @Option in " + file).isTrue();
        for (String name : quoted(names.group(1))) {
          options.put(name, file.getFileName().toString());
          if (negatable && name.startsWith("--")) {
            options.put("--no-" + name.substring(2), file.getFileName().toString());
          }
        }
      }
      for (String command : annotations(source, "Command")) {
        if (command.matches("(?s).*\\bmixinStandardHelpOptions\\s*=\\s*true\\b.*")) {
          for (String name : List.of("-h", "--help", "-V", "--version")) {
            options.put(name, file.getFileName().toString());
          }
        }
      }
    }
    assertThat(options).as("the command line's options").containsKeys("--url", "--concurrency");
    return options;
  }

  static Set<String> commandLineCommands() throws IOException {
    Set<String> commands = new TreeSet<>();
    for (Path file : javaSources("runtime/cli/src/main/java")) {
      for (String command : annotations(Files.readString(file), "Command")) {
        Matcher name = Pattern.compile("\\bname\\s*=\\s*\"([^\"]+)\"").matcher(command);
        if (name.find() && !name.group(1).equals("procrastinate")) {
          commands.add(name.group(1));
        }
      }
    }
    assertThat(commands).as("the command line's commands").contains("worker", "defer");
    return commands;
  }

  /** The text inside each {@code @Name(...)} of a source, string literals skipped over. */
  static List<String> annotations(String source, String name) {
    List<String> bodies = new ArrayList<>();
    Matcher start = Pattern.compile("@" + name + "\\s*\\(").matcher(source);
    while (start.find()) {
      int depth = 1;
      int i = start.end();
      boolean inString = false;
      for (; i < source.length() && depth > 0; i++) {
        char c = source.charAt(i);
        if (inString) {
          if (c == '\\') {
            i++;
          } else if (c == '"') {
            inString = false;
          }
        } else if (c == '"') {
          inString = true;
        } else if (c == '(') {
          depth++;
        } else if (c == ')') {
          depth--;
        }
      }
      bodies.add(source.substring(start.end(), i - 1));
    }
    return bodies;
  }

  private static List<String> quoted(String text) {
    List<String> values = new ArrayList<>();
    Matcher literal = Pattern.compile("\"([^\"]*)\"").matcher(text);
    while (literal.find()) {
      values.add(literal.group(1));
    }
    return values;
  }

  /** The annotation processor's options, its {@code *_OPTION} constants. */
  static Set<String> processorOptions() throws IOException {
    Set<String> options =
        sourceLiterals(
            "processor/src/main/java/dev/procrastinate/processor",
            "_OPTION\\s*=\\s*\"(procrastinate\\.[a-zA-Z.]+)\"");
    assertThat(options).as("the processor's options").contains("procrastinate.debug");
    return options;
  }

  /** The meters of the Micrometer binding, its name constants. */
  static Set<String> meterNames() throws IOException {
    return sourceLiterals(
        "runtime/core/src/main/java/dev/procrastinate/micrometer",
        "\"(procrastinate\\.(?:jobs|queue)\\.[a-z.]+)\"");
  }

  /** The loggers the modules log to. */
  static Set<String> loggerNames() throws IOException {
    Set<String> loggers = new TreeSet<>();
    for (String module :
        List.of(
            "runtime/core",
            "runtime/dashboard",
            "runtime/cli",
            "runtime/spring-boot",
            "maven-plugin")) {
      loggers.addAll(
          sourceLiterals(module + "/src/main/java", "getLogger\\(\"(procrastinate[a-z.]*)\"\\)"));
    }
    return loggers;
  }

  /** The system property by which the dashboard's browser test writes its screenshots. */
  static Set<String> screenshotProperties() throws IOException {
    return sourceLiterals(
        "runtime/dashboard/src/test/java", "getProperty\\(\\s*\"(procrastinate\\.[a-zA-Z.]+)\"");
  }

  private static Set<String> sourceLiterals(String folder, String regex) throws IOException {
    Set<String> values = new TreeSet<>();
    Pattern pattern = Pattern.compile(regex);
    for (Path file : javaSources(folder)) {
      Matcher matcher = pattern.matcher(Files.readString(file));
      while (matcher.find()) {
        values.add(matcher.group(1));
      }
    }
    return values;
  }

  private static List<Path> javaSources(String folder) throws IOException {
    try (Stream<Path> files = Files.walk(ROOT.resolve(folder))) {
      return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }

  /** Spring Boot's canonical form of a property: {@code deleteJobs} is {@code delete-jobs}. */
  static String kebab(String name) {
    return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }
}
