package dev.panamax.bench;

import dev.panamax.junit.Guest;
import dev.panamax.junit.MicroVmTest;
import org.junit.jupiter.api.RepeatedTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test class that scripts/bench/junit-tests.sh times: ten tests, each booting its own guest
 * (1 vCPU, 128 MiB, the test guest) and running one exec. Not a test of the build (no Test/IT
 * suffix): the script runs it through JUnit's console launcher, sequentially and with four
 * threads. Concurrent when the launcher enables parallel execution.
 */
@MicroVmTest
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
class TenGuestExecsBench {
    @RepeatedTest(10)
    void unameInItsOwnGuest(Guest guest) {
        assertThat(guest.exec("uname", "-r").stdout()).startsWith("6.");
    }
}
