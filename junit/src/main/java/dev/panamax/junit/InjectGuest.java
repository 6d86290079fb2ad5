package dev.panamax.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link Guest} field of a {@link MicroVmTest} class that the extension fills with the
 * started guest, as JUnit's {@code @TempDir} fills a field: an instance field before each test
 * (the test's own guest, or the class's with {@link MicroVmTest.Lifecycle#PER_CLASS}), a static
 * field before all tests (the class's guest). The guest is the one a {@code Guest} parameter of
 * the same test gets. The field must be of type {@link Guest} and not final.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface InjectGuest {
}
