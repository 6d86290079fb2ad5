/**
 * Test classes that benchmark scripts run (scripts/bench), kept out of the build's own test runs
 * by their names.
 */
package dev.panamax.bench;
