package dev.panamax.kvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The process {@link SeccompTest} forks, since a filter cannot be removed once installed:
 * {@code exec} installs the filter on the main thread and calls execve from a thread started
 * before (so only TSYNC put it under the filter); it must die of SIGSYS. {@code work} installs
 * it and then does what a VMM does (threads, files, allocation, a GC) and prints {@code WORKED}.
 */
final class SeccompChild {
    private SeccompChild() {}

    public static void main(String[] args) throws Exception {
        CountDownLatch installed = new CountDownLatch(1);
        Thread early = Thread.ofPlatform().start(() -> {
            try {
                installed.await();
            } catch (InterruptedException e) {
                return;
            }
            if (args[0].equals("exec")) {
                Seccomp.execveForTests("/bin/true");
            }
        });
        Seccomp.install();
        installed.countDown();
        early.join();
        if (args[0].equals("exec")) {
            System.out.println("execve returned");
            System.exit(3);
        }
        Path file = Files.createTempFile("seccomp-child", ".txt");
        Files.writeString(file, "written under the filter");
        String back = Files.readString(file);
        Files.delete(file);
        byte[][] garbage = new byte[1000][];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = new byte[64 * 1024];
        }
        System.gc();
        Thread worker = Thread.ofPlatform().start(() -> System.out.println("thread filtered: " + Seccomp.active()));
        worker.join();
        System.out.println(back.equals("written under the filter") && Seccomp.active() ? "WORKED" : "BROKEN");
    }
}
