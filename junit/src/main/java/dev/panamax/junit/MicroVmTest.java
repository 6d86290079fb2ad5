package dev.panamax.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Tests that get a booted microVM: declare a {@link Guest} parameter (on the test method, or on
 * {@code @BeforeEach}/{@code @BeforeAll} methods) and it arrives started, its agent ready. On a
 * class it declares the guest of every test in it; on a method it overrides the class's.
 *
 * <p>The guest is stopped and closed after the test (after the class for
 * {@link Lifecycle#PER_CLASS}), also when the test fails or times out. Each test's console is
 * written to {@code target/panamax-consoles/<class>/<method>.log} (system property
 * {@value MicroVmExtension#CONSOLES_DIR_PROPERTY} moves the folder) and published as the report
 * entry {@value MicroVmExtension#REPORT_KEY}. A guest that does not boot fails the test with its
 * last console lines and where its vCPUs were. Tests that run concurrently boot their guests
 * concurrently: nothing is shared between them but the (read-only) guest artifacts.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(MicroVmExtension.class)
public @interface MicroVmTest {
    /**
     * A Firecracker config file (relative to the working directory) declaring the guest instead of
     * {@link #kernel()}, {@link #initrd()}, {@link #cpus()}, {@link #memMib()} and {@link #drives()}
     * (leave those at their defaults): its {@code boot-source} (its {@code boot_args} follow the
     * arguments the guest needs), {@code machine-config} and {@code drives}, read as strictly as the
     * launcher reads it, and its {@code entropy}. It must have no {@code vsock} (the extension adds
     * the agent's) and no {@code network-interfaces}; {@code logger} and {@code metrics} are not
     * applied (the test's console log is its record).
     */
    String configFile() default "";

    /** The kernel image (bzImage); empty: the test guest's ({@link GuestSpec#testGuest()}). */
    String kernel() default "";

    /** The initramfs; empty: the test guest's when {@link #kernel()} is empty too, else none. */
    String initrd() default "";

    int cpus() default 1;

    long memMib() default 128;

    /** Words added to the kernel command line. */
    String kernelArgs() default "";

    /**
     * Drives, as {@code PATH[,ro]} (the launcher's {@code --drive}), relative to the working
     * directory: the guest's /dev/vda, /dev/vdb, ... in order, drive ids {@code drive0}, ...; none
     * is the root device (the initramfs is). A writable image is the test's own while it runs
     * (another VM cannot open it); read-only ones are shared.
     */
    String[] drives() default {};

    /** How long the guest may take to become ready. */
    long bootTimeoutSeconds() default 180;

    /** The vsock port the agent listens on. */
    int agentPort() default GuestSpec.DEFAULT_AGENT_PORT;

    Lifecycle lifecycle() default Lifecycle.PER_METHOD;

    /** Whose guest it is: each test's own, or one for all tests of the class. */
    enum Lifecycle {
        PER_METHOD,
        PER_CLASS
    }
}
