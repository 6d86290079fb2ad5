/**
 * The launcher's log: Logback behind SLF4J, configured in code, writing Firecracker's line shape
 * {@code <time> [<instance id>:<thread>[:<LEVEL>][:<file>:<line>]] <message>}. Until a
 * {@code logger} section (or {@code PUT /logger}) says otherwise, lines go to stderr at Info;
 * stdout is the guest's console and never carries a log line.
 */
package dev.panamax.launcher.logging;
