/**
 * Microvms for tests: {@link dev.panamax.junit.Guest} boots a guest whose agent runs commands and
 * copies files over vsock ({@link dev.panamax.junit.AgentProtocol}), {@link dev.panamax.junit.MicroVmTest}
 * hands started guests to JUnit 5 tests, and Testcontainers can manage a Guest as a {@code Startable}.
 */
package dev.panamax.junit;
