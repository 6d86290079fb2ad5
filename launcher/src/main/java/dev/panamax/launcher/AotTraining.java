package dev.panamax.launcher;

import dev.panamax.kvm.KvmHost;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The training run of {@code scripts/panamax}'s JDK AOT cache ({@code -XX:AOTCacheOutput}): in one
 * JVM, the launcher runs as its users run it, so that what those runs load and link comes
 * from the cache in later launches: {@code --version}, {@code --help}, {@code --probe}, a
 * Firecracker config file read and checked (it names a kernel that is no kernel, so it ends at
 * the VM's start with one error line), and, where this host's KVM boots Linux and a guest is
 * given, a boot of that guest to its end. Panamax's own classes are also loaded and linked (not
 * initialised: no class runs code here that a launch would not), so the VM path's classes are in
 * the cache even where no guest can boot (the cache keeps only linked classes). The launcher's output goes nowhere.
 *
 * <p>Usage: {@code AotTraining WORK_DIR [KERNEL INITRD]}; the guest must end itself (the test
 * guest's {@code pmx_after=reboot}), within {@link #BOOT_LIMIT_MS}.
 */
public final class AotTraining {
    /** A guest that has not ended by then is left running; the JVM exits and the cache is written all the same. */
    static final long BOOT_LIMIT_MS = 120_000;

    private AotTraining() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 && args.length != 3) {
            System.err.println("usage: AotTraining WORK_DIR [KERNEL INITRD]");
            System.exit(Main.EXIT_USAGE);
        }
        Path work = Files.createDirectories(Path.of(args[0]));
        launch("--version");
        launch("--help");
        launch("--probe");
        launch("--config-file", configFile(work).toString());
        launch("--kernel", work.resolve("no-such-kernel").toString(), "--mem", "64");
        loadPanamaxClasses();
        if (args.length == 3 && KvmHost.probe(KvmHost.configuredDevice()).canBootLinux()) {
            Thread boot = Thread.ofPlatform().daemon().start(() -> launch("--kernel", args[1], "--initrd", args[2],
                    "--append", "console=ttyS0 quiet panic=-1 reboot=k pmx_after=reboot", "--mem", "128"));
            boot.join(BOOT_LIMIT_MS);
        }
        System.exit(Main.EXIT_OK); // a guest still running must not keep the JVM (and the cache) waiting
    }

    private static void launch(String... args) {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        Main.run(args, nowhere, nowhere, InputStream.nullInputStream());
    }

    /** Every section a config file may have; the kernel is this file itself, which no boot protocol takes. */
    static Path configFile(Path work) throws IOException {
        Path config = work.resolve("training-vm.json");
        Path drive = Files.write(work.resolve("training-drive.img"), new byte[4096]);
        Files.writeString(config, """
                {
                  "boot-source": {"kernel_image_path": "%1$s", "boot_args": "console=ttyS0 reboot=k"},
                  "machine-config": {"vcpu_count": 1, "mem_size_mib": 64, "smt": false},
                  "drives": [{"drive_id": "rootfs", "path_on_host": "%2$s", "is_root_device": true,
                              "is_read_only": true}],
                  "entropy": {}
                }
                """.formatted(config, drive));
        return config;
    }

    /** Loads and links, without initialising, every class of Panamax's jars on the class path. */
    private static void loadPanamaxClasses() throws IOException {
        ClassLoader loader = AotTraining.class.getClassLoader();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!Path.of(entry).getFileName().toString().startsWith("panamax-")) {
                continue;
            }
            try (JarFile jar = new JarFile(entry)) {
                for (String name : classNames(jar)) {
                    try {
                        Class.forName(name, false, loader).getDeclaredConstructors(); // reflection links the class
                    } catch (ClassNotFoundException | LinkageError e) {
                        // a class this JVM cannot load is one no launch uses either
                    }
                }
            }
        }
    }

    private static List<String> classNames(JarFile jar) {
        List<String> names = new ArrayList<>();
        for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
            String name = entries.nextElement().getName();
            if (name.endsWith(".class") && !name.endsWith("module-info.class") && !name.endsWith("package-info.class")) {
                names.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
            }
        }
        return names;
    }
}
