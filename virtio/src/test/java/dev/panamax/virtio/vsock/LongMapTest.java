package dev.panamax.virtio.vsock;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The muxer's stream table against a HashMap: same answers for every sequence of its calls. */
class LongMapTest {
    enum Kind { PUT, GET, REMOVE }

    record Call(Kind kind, long key, int value) {}

    /**
     * Keys from a pool small enough that they recur (replacing, removing present keys) and large
     * enough to grow the table several times; port pairs as the muxer makes them, neighbours
     * and the extremes, whose probe runs collide and wrap around the table's end.
     */
    @Provide
    Arbitrary<List<Call>> calls() {
        List<Long> pool = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pool.add(Connection.key(Muxer.FIRST_HOST_PORT + i, 5000));
            pool.add(Connection.key(1024, 40000 + i));
        }
        pool.addAll(List.of(0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE, Connection.key(-1, -1)));
        Arbitrary<Long> keys = Arbitraries.oneOf(Arbitraries.of(pool), Arbitraries.longs());
        return Combinators.combine(Arbitraries.of(Kind.PUT, Kind.PUT, Kind.GET, Kind.REMOVE), keys,
                Arbitraries.integers()).as(Call::new).list().ofMaxSize(400);
    }

    @Property(tries = 300)
    void answersAsAHashMapDoes(@ForAll("calls") List<Call> calls) {
        LongMap<Integer> map = new LongMap<>();
        Map<Long, Integer> model = new HashMap<>();
        for (Call c : calls) {
            switch (c.kind()) {
                case PUT -> assertThat(map.put(c.key(), c.value())).as("put %s", c).isEqualTo(model.put(c.key(), c.value()));
                case GET -> assertThat(map.get(c.key())).as("get %s", c).isEqualTo(model.get(c.key()));
                case REMOVE -> assertThat(map.remove(c.key())).as("remove %s", c).isEqualTo(model.remove(c.key()));
            }
            assertThat(map.size()).isEqualTo(model.size());
        }
        // Every entry is still found after all the shifting, and a removed key is gone.
        for (Map.Entry<Long, Integer> e : model.entrySet()) {
            assertThat(map.get(e.getKey())).as("key %d", e.getKey()).isEqualTo(e.getValue());
        }
        for (Call c : calls) {
            if (!model.containsKey(c.key())) {
                assertThat(map.get(c.key())).as("absent key %d", c.key()).isNull();
            }
        }
    }

    /** As many streams as the muxer allows, all removed in a random order: each removal leaves the rest findable. */
    @Test
    void fillsToTheConnectionLimitAndEmptiesInAnyOrder() {
        LongMap<Long> map = new LongMap<>();
        List<Long> keys = new ArrayList<>();
        for (int i = 0; i < Muxer.MAX_CONNECTIONS; i++) {
            long key = Connection.key(Muxer.FIRST_HOST_PORT + i, 1234);
            keys.add(key);
            assertThat(map.put(key, key)).isNull();
        }
        assertThat(map.size()).isEqualTo(Muxer.MAX_CONNECTIONS);
        Collections.shuffle(keys, new Random(7));
        for (int i = 0; i < keys.size(); i++) {
            assertThat(map.remove(keys.get(i))).isEqualTo(keys.get(i));
            assertThat(map.get(keys.get(i))).isNull();
            if (i % 512 == 0) {
                for (long rest : keys.subList(i + 1, keys.size())) {
                    assertThat(map.get(rest)).isEqualTo(rest);
                }
            }
        }
        assertThat(map.size()).isZero();
        assertThat(map.remove(keys.getFirst())).isNull();
    }

    @Test
    void nullValuesAreRefused() {
        assertThatThrownBy(() -> new LongMap<String>().put(1, null)).isInstanceOf(NullPointerException.class);
    }
}
