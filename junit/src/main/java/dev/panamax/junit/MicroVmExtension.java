package dev.panamax.junit;

import dev.panamax.vmm.VmConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import dev.panamax.config.ConfigException;
import dev.panamax.config.ConfigFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The extension behind {@link MicroVmTest}: boots a {@link Guest} when a test asks for one as a
 * parameter, keeps it in the test's (or the class's) {@link ExtensionContext.Store} so that JUnit
 * closes it however the test ends, and writes its console to a file per test. Stateless: every
 * guest lives in a store, so tests running in parallel never share one by accident.
 */
public final class MicroVmExtension implements ParameterResolver, BeforeAllCallback, BeforeEachCallback,
        AfterEachCallback, AfterAllCallback {
    /** System property: the folder of the per-test console logs. */
    public static final String CONSOLES_DIR_PROPERTY = "panamax.consoles.dir";
    /** The report entry naming a test's console log file. */
    public static final String REPORT_KEY = "panamax.console";
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MicroVmExtension.class);
    /**
     * Store keys, one per lifecycle: a store lookup also searches the parent contexts' stores, so
     * with one key a test would find (and close) its class's shared guest as if it were its own.
     */
    private static final String METHOD_KEY = "method-guest";
    private static final String CLASS_KEY = "class-guest";
    /** The end of a test-template invocation's unique id: {@code [test-template-invocation:#3]}. */
    private static final Pattern INVOCATION = Pattern.compile("#(\\d+)]$");
    /** Keeps the Unix socket's path well under its 108-byte limit. */
    private static final int MAX_ID = 40;

    /** A guest in a store: closed by JUnit with the context; remembers a failed boot so it is not retried. */
    private static final class Held implements ExtensionContext.Store.CloseableResource {
        final Guest guest;
        GuestStartException failure;

        Held(Guest guest) {
            this.guest = guest;
        }

        @Override
        public void close() {
            guest.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Guest.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        try {
            // a @BeforeAll method's guest lives as long as the class, whatever the declaration says
            return guest(context, context.getTestMethod().isEmpty());
        } catch (GuestStartException e) {
            throw new ParameterResolutionException(e.getMessage(), e.getCause() == null ? e : e.getCause());
        }
    }

    /** Static {@link InjectGuest} fields: the class's guest. */
    @Override
    public void beforeAll(ExtensionContext context) {
        inject(context.getRequiredTestClass(), null, context, true);
    }

    /** Instance {@link InjectGuest} fields (of the test class and enclosing instances): the test's guest. */
    @Override
    public void beforeEach(ExtensionContext context) {
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            inject(instance.getClass(), instance, context, false);
        }
    }

    private static void inject(Class<?> type, Object instance, ExtensionContext context, boolean statics) {
        for (Field f : AnnotationSupport.findAnnotatedFields(type, InjectGuest.class, field ->
                Modifier.isStatic(field.getModifiers()) == statics, HierarchyTraversalMode.TOP_DOWN)) {
            if (f.getType() != Guest.class || Modifier.isFinal(f.getModifiers())) {
                throw new ExtensionConfigurationException("@InjectGuest field " + f.getDeclaringClass().getSimpleName()
                        + "." + f.getName() + " must be a non-final field of type Guest");
            }
            Guest guest = guest(context, statics);
            try {
                f.setAccessible(true);
                f.set(instance, guest);
            } catch (IllegalAccessException e) {
                throw new ExtensionConfigurationException("cannot set @InjectGuest field " + f.getName() + ": " + e, e);
            }
        }
    }

    /**
     * The started guest of this test ({@code perClass}: of its class), booted on first use and
     * kept in the owner's store, which closes it.
     */
    private static Guest guest(ExtensionContext context, boolean forClass) {
        MicroVmTest declared = declaration(context);
        boolean perClass = forClass || declared.lifecycle() == MicroVmTest.Lifecycle.PER_CLASS;
        ExtensionContext owner = perClass ? classContext(context) : context;
        Held held = owner.getStore(NAMESPACE).getOrComputeIfAbsent(perClass ? CLASS_KEY : METHOD_KEY,
                k -> new Held(Guest.create(spec(declared), guestId(owner))), Held.class);
        synchronized (held) {
            if (held.failure == null) {
                try {
                    held.guest.start();
                } catch (GuestStartException e) {
                    held.failure = e;
                }
            }
            if (held.failure != null) {
                throw new GuestStartException("the microVM for " + context.getDisplayName() + " did not boot: "
                        + held.failure.getMessage(), held.failure);
            }
        }
        return held.guest;
    }

    /** The method's {@link MicroVmTest}, else the class's (or an enclosing one's). */
    private static MicroVmTest declaration(ExtensionContext context) {
        Optional<MicroVmTest> onMethod = context.getTestMethod().flatMap(m -> find(m));
        return onMethod.or(() -> context.getTestClass().flatMap(MicroVmExtension::findOnClass))
                .orElseThrow(() -> new ParameterResolutionException("a Guest parameter needs @MicroVmTest on the "
                        + "test method or class"));
    }

    private static Optional<MicroVmTest> find(AnnotatedElement e) {
        return AnnotationSupport.findAnnotation(e, MicroVmTest.class);
    }

    private static Optional<MicroVmTest> findOnClass(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            Optional<MicroVmTest> found = find(k);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    static GuestSpec spec(MicroVmTest t) {
        GuestSpec base;
        if (!t.configFile().isEmpty()) {
            base = fromConfigFile(t);
        } else if (t.kernel().isEmpty()) {
            GuestSpec testGuest = GuestSpec.testGuest();
            base = t.initrd().isEmpty() ? testGuest : new GuestSpec(testGuest.kernel(), Optional.of(Path.of(t.initrd())),
                    1, 128, "", GuestSpec.DEFAULT_BOOT_TIMEOUT, GuestSpec.DEFAULT_AGENT_PORT, List.of());
        } else {
            base = new GuestSpec(Path.of(t.kernel()), t.initrd().isEmpty() ? Optional.empty() : Optional.of(Path.of(t.initrd())),
                    1, 128, "", GuestSpec.DEFAULT_BOOT_TIMEOUT, GuestSpec.DEFAULT_AGENT_PORT, List.of());
        }
        if (t.configFile().isEmpty()) {
            base = base.withCpus(t.cpus()).withMemMib(t.memMib()).withDrives(drives(t.drives()));
        }
        String args = (base.kernelArgs() + " " + t.kernelArgs()).strip();
        return base.withKernelArgs(args).withBootTimeout(Duration.ofSeconds(t.bootTimeoutSeconds()))
                .withAgentPort(t.agentPort());
    }

    /** The config file's guest; declaring the machine twice is refused rather than silently merged. */
    private static GuestSpec fromConfigFile(MicroVmTest t) {
        String at = "@MicroVmTest(configFile = \"" + t.configFile() + "\")";
        if (!t.kernel().isEmpty() || !t.initrd().isEmpty() || t.drives().length > 0 || t.cpus() != 1 || t.memMib() != 128) {
            throw new ExtensionConfigurationException(at + ": the config file declares kernel, initrd, cpus, "
                    + "memory and drives; leave those attributes out");
        }
        try {
            return GuestSpec.fromConfig(ConfigFile.read(Path.of(t.configFile())), t.configFile());
        } catch (ConfigException | IllegalArgumentException e) {
            throw new ExtensionConfigurationException(at + ": " + e.getMessage(), e);
        }
    }

    /** {@code PATH[,ro]} each, as the launcher's {@code --drive} reads them; relative to the working directory. */
    private static List<VmConfig.Drive> drives(String[] declared) {
        List<VmConfig.Drive> drives = new ArrayList<>(declared.length);
        for (int i = 0; i < declared.length; i++) {
            boolean readOnly = declared[i].endsWith(",ro");
            String path = readOnly ? declared[i].substring(0, declared[i].length() - ",ro".length()) : declared[i];
            drives.add(new VmConfig.Drive("drive" + i, Path.of(path).toAbsolutePath(), false, readOnly));
        }
        return drives;
    }

    /** {@code Class.method}, trimmed to what a thread name and a socket path can carry. */
    private static String guestId(ExtensionContext context) {
        // a repeated or parameterized test's invocations each get their own guest: number them apart
        Matcher invocation = INVOCATION.matcher(context.getUniqueId());
        String name = context.getRequiredTestClass().getSimpleName()
                + context.getTestMethod().map(m -> "." + m.getName()).orElse("")
                + (invocation.find() ? "-" + invocation.group(1) : "");
        String id = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return id.length() <= MAX_ID ? id : id.substring(id.length() - MAX_ID);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Held own = context.getStore(NAMESPACE).get(METHOD_KEY, Held.class);
        if (own != null) {
            own.close(); // before the log, so that the log is the whole of its life
            publishConsole(context, own.guest);
            return;
        }
        Held shared = context.getStore(NAMESPACE).get(CLASS_KEY, Held.class);
        if (shared != null) {
            publishConsole(context, shared.guest);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Held shared = context.getStore(NAMESPACE).get(CLASS_KEY, Held.class);
        Held enclosing = context.getParent().map(p -> p.getStore(NAMESPACE).get(CLASS_KEY, Held.class)).orElse(null);
        if (shared != null && shared != enclosing) { // an enclosing class's guest is closed after that class
            shared.close();
            publishConsole(context, shared.guest);
        }
    }

    /** Writes the console to its file and names the file in the test's report. */
    private static void publishConsole(ExtensionContext context, Guest guest) {
        Path dir = Path.of(System.getProperty(CONSOLES_DIR_PROPERTY, "target/panamax-consoles"))
                .resolve(context.getRequiredTestClass().getName());
        // the method's name; an invocation of a parameterized or repeated test adds its own ("[1] ...")
        boolean invocation = context.getParent().flatMap(ExtensionContext::getTestMethod).isPresent();
        String name = context.getTestMethod().map(m -> invocation ? m.getName() + "-" + context.getDisplayName()
                : m.getName()).orElse("class");
        Path file = dir.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".log");
        try {
            Files.createDirectories(dir);
            Files.writeString(file, guest.consoleText(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the console log " + file, e);
        }
        context.publishReportEntry(REPORT_KEY, file.toAbsolutePath().toString());
    }
}
