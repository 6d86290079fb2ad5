/** JMH benchmarks of the device module's {@link dev.panamax.device.Bus} dispatch (scripts/bench/jmh.sh). */
package dev.panamax.device;
