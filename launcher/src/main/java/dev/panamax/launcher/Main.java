package dev.panamax.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code panamax}: the headless launcher. */
@Command(name = "panamax", mixinStandardHelpOptions = true, version = "panamax 0.1.0",
        description = "A microVM monitor that drives KVM through the Java FFM API.")
public final class Main implements Callable<Integer> {
    /** Bad configuration or input: one error line, no stack trace. */
    static final int EXIT_USAGE = 2;

    @Option(names = "--probe", description = "Print what this host's KVM is and can do, then exit.")
    boolean probe;

    @Override
    public Integer call() {
        if (probe) {
            HostProbe.print(System.out);
            return 0;
        }
        System.err.println("panamax: nothing to run: give --probe (booting a kernel comes with the boot issue)");
        return EXIT_USAGE;
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("panamax: " + e.getMessage());
            return 1;
        });
        System.exit(cli.execute(args));
    }
}
