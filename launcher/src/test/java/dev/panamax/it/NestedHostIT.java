package dev.panamax.it;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a host whose /dev/kvm cannot boot Linux (PVM), runs every other integration test of this
 * package inside the nested test host (scripts/nested-host.sh: QEMU-TCG with nested SVM) with
 * the JUnit console launcher, and reports each of them here as a test of its own. Maven
 * selects this class instead of the others on such a host (profile pvm-host).
 */
class NestedHostIT {
    /** A test case as the inner run's XML report has it; {@code problem} is null when it passed. */
    private record Case(String className, String method, String problem, boolean skipped) {
        String name() {
            return className.replace("dev.panamax.it.", "") + "." + method;
        }

        /** The console launcher's method selector, {@code class#method} without the parentheses. */
        String selector() {
            return className + "#" + method.replace("()", "");
        }
    }

    /** One run of the console launcher inside a nested host: its exit code, report and last output lines. */
    private record Attempt(int exitCode, List<Case> cases, boolean jvmCrashed, String outputTail) {
        List<Case> failed() {
            return cases.stream().filter(c -> c.problem() != null).toList();
        }
    }

    /** Failed tests get one more try each in a fresh nested host, when there are at most this many. */
    private static final int MAX_RETRIED = 3;
    private static final int TAIL_LINES = 40;
    /** A single guest test takes well under a minute in the nested host; this one is stuck. */
    private static final int TEST_TIMEOUT_MINUTES = 10;
    /** The nested run of every test (about 2 minutes normally), within the CI's 90 minutes with a retry. */
    private static final Duration WHOLE_RUN_LIMIT = Duration.ofMinutes(40);
    private static final Duration RETRY_LIMIT = Duration.ofMinutes(3 * TEST_TIMEOUT_MINUTES / 2);

    @TestFactory
    Stream<DynamicTest> integrationTestsInsideTheNestedHost() throws Exception {
        // -Dnested.it=ClassName narrows the run to one class while developing
        String only = System.getProperty("nested.it");
        List<String> everything = only == null ? List.of("--select-package", "dev.panamax.it")
                : List.of("--select-class", "dev.panamax.it." + only);
        Attempt first = runInNestedHost(everything, "first", WHOLE_RUN_LIMIT);
        if (first.jvmCrashed()) {
            // the inner JVM runs under full emulation; one crash of it is retried, not a second
            System.out.println("[nested] the JVM inside the nested host crashed; running the tests once more");
            first = runInNestedHost(everything, "again", WHOLE_RUN_LIMIT);
        }
        // Everything in the nested host is emulated twice over (TCG running SVM running the guest):
        // a test failing there once gets one more run in a fresh nested host, and is reported as
        // flaky when that passes. A test that fails twice fails.
        Map<String, Case> retried = new HashMap<>();
        Integer retryExitCode = null;
        List<Case> failed = first.failed();
        if (!failed.isEmpty() && failed.size() <= MAX_RETRIED) {
            List<String> select = new ArrayList<>();
            failed.forEach(c -> select.addAll(List.of("--select-method", c.selector())));
            Attempt retry = runInNestedHost(select, "retry", RETRY_LIMIT);
            retryExitCode = retry.exitCode();
            retry.cases().forEach(c -> retried.put(c.name(), c));
        }

        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : first.cases()) {
            Case retry = retried.get(c.name());
            tests.add(DynamicTest.dynamicTest(c.name() + " [nested]", () -> {
                assertThat(c.skipped()).as("%s was skipped inside the nested host", c.name()).isFalse();
                if (c.problem() != null && retry != null && retry.problem() == null) {
                    System.out.println("[nested] FLAKY: " + c.name() + " failed once and passed when run again; first "
                            + "failure: " + c.problem().lines().findFirst().orElse(""));
                    return;
                }
                assertThat(c.problem()).as("%s failed inside the nested host", c.name()).isNull();
            }));
        }
        int exitCode = retryExitCode != null && retried.values().stream().allMatch(c -> c.problem() == null)
                ? retryExitCode : first.exitCode();
        String tail = first.outputTail();
        tests.add(DynamicTest.dynamicTest("nested host run finished with exit code 0", () -> {
            // CI shows only the failure message: it carries the end of what the nested run printed
            assertThat(exitCode).as("exit code of the nested JUnit run (124 timeout, 125 L1 failure); its last "
                    + "output lines:%n%s", tail).isZero();
        }));
        tests.add(DynamicTest.dynamicTest("nested host ran integration tests", () -> assertThat(tests).hasSizeGreaterThan(2)));
        return tests.stream();
    }

    /** Runs the selected integration tests with the JUnit console launcher inside the nested host. */
    private static Attempt runInNestedHost(List<String> select, String label, Duration limit) throws Exception {
        Path repo = TestHost.repo();
        Path module = Path.of("").toAbsolutePath();
        Path reports = repo.resolve("build/nested-it-reports").resolve(label);
        deleteRecursively(reports);
        Files.createDirectories(reports);
        String classpath = String.join(":", module.resolve("target/test-classes").toString(),
                module.resolve("target/classes").toString(),
                Files.readString(module.resolve("target/it-classpath.txt")).strip());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // UseAVX=0: the JVM's AVX code paths run on QEMU-TCG's young AVX emulation otherwise; a JVM
        // crash seen there (SIGSEGV in freshly generated code) is the reason
        List<String> command = new ArrayList<>(List.of(repo.resolve("scripts/nested-host.sh").toString(), java,
                "-XX:UseAVX=0", "-XX:ErrorFile=" + reports.resolve("hs_err_pid%p.log"),
                "--enable-native-access=ALL-UNNAMED", "-cp", classpath,
                "org.junit.platform.console.ConsoleLauncher", "execute"));
        command.addAll(select);
        // a test that hangs fails on its own and leaves the report intact, well before NESTED_TIMEOUT ends all
        command.addAll(List.of("--exclude-classname", ".*NestedHostIT", "--include-classname", ".*IT",
                "--config=junit.jupiter.execution.timeout.testable.method.default=" + TEST_TIMEOUT_MINUTES + " m",
                "--reports-dir", reports.toString(), "--details", "tree", "--disable-banner"));
        Deque<String> tail = new ArrayDeque<>();
        int rc = runStreaming(command, module, limit, tail);
        List<Case> cases = new ArrayList<>();
        for (Path xml : reportFiles(reports)) {
            cases.addAll(casesOf(xml));
        }
        return new Attempt(rc, cases, jvmCrashed(reports), String.join("\n", tail));
    }

    /** Echoes the command's output with a prefix and keeps its last {@link #TAIL_LINES} lines in {@code tail}. */
    private static int runStreaming(List<String> command, Path dir, Duration limit, Deque<String> tail)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("NESTED_TIMEOUT", Long.toString(limit.toSeconds()));
        Process p = builder.start();
        p.getOutputStream().close();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                System.out.println("[nested] " + line);
                tail.addLast(line);
                if (tail.size() > TAIL_LINES) {
                    tail.removeFirst();
                }
            }
        }
        return p.waitFor();
    }

    private static boolean jvmCrashed(Path reports) throws IOException {
        if (!Files.isDirectory(reports)) {
            return false;
        }
        try (Stream<Path> s = Files.list(reports)) {
            return s.anyMatch(f -> f.getFileName().toString().startsWith("hs_err_pid"));
        }
    }

    private static List<Path> reportFiles(Path reports) throws IOException {
        if (!Files.isDirectory(reports)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(reports)) {
            return s.filter(f -> f.toString().endsWith(".xml")).sorted().toList();
        }
    }

    private static List<Case> casesOf(Path xml) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        NodeList nodes = doc.getElementsByTagName("testcase");
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Element c = (Element) nodes.item(i);
            String problem = firstChildText(c, "failure") != null ? firstChildText(c, "failure") : firstChildText(c, "error");
            cases.add(new Case(c.getAttribute("classname"), c.getAttribute("name"), problem,
                    c.getElementsByTagName("skipped").getLength() > 0));
        }
        return cases;
    }

    private static String firstChildText(Element c, String tag) {
        NodeList n = c.getElementsByTagName(tag);
        if (n.getLength() == 0) {
            return null;
        }
        Element e = (Element) n.item(0);
        String message = e.getAttribute("message");
        return message.isEmpty() ? e.getTextContent() : message + "\n" + e.getTextContent();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(p);
            }
        }
    }
}
