package dev.panamax.launcher.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.panamax.config.AcceptedConfigs;
import dev.panamax.config.ConfigFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API and the config file are one model: a random accepted config, given section by section
 * through the API, comes back from {@code GET /vm/config} as a config file that reads to the same
 * VM as the original file does. Fixed seed, as the config model's own round trip.
 */
class ApiRoundTripTest extends ApiServerFixture {
    /** Stands for the test's directory in the generated configs. */
    private static final String DIR = "/pmx-round-trip-dir";
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> configs() {
        Random r = new Random(0x5eed);
        return IntStream.range(0, 60).mapToObj(i -> AcceptedConfigs.random(r, Path.of(DIR)).toString());
    }

    @ParameterizedTest
    @MethodSource("configs")
    void sectionsPutThroughTheApiReadBackAsTheSameVm(String template) throws Exception {
        for (String name : AcceptedConfigs.FILES) {
            Files.writeString(dir.resolve(name), name);
        }
        String original = template.replace(DIR, dir.toString());
        JsonNode config = JSON.readTree(original);
        put("/boot-source", config.get("boot-source"));
        put("/machine-config", config.get("machine-config"));
        for (JsonNode drive : elements(config.get("drives"))) {
            put("/drives/" + drive.get("drive_id").asText(), drive);
        }
        for (JsonNode net : elements(config.get("network-interfaces"))) {
            put("/network-interfaces/" + net.get("iface_id").asText(), net);
        }
        put("/vsock", config.get("vsock"));
        put("/entropy", config.get("entropy"));
        put("/metrics", config.get("metrics"));

        ApiClient.Reply reply = client.get("/vm/config");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(ConfigFile.parse(reply.body().getBytes(StandardCharsets.UTF_8), "GET /vm/config", dir))
                .isEqualTo(ConfigFile.parse(original.getBytes(StandardCharsets.UTF_8), "config", dir));
    }

    /** PUTs a section that is there (absent and null sections are not given, as a client would not). */
    private void put(String path, JsonNode section) throws Exception {
        if (section == null || section.isNull()) {
            return;
        }
        ApiClient.Reply reply = client.put(path, section.toString());
        assertThat(reply.status()).as("PUT %s %s: %s", path, section, reply.body()).isEqualTo(204);
    }

    private static Iterable<JsonNode> elements(JsonNode array) {
        return array == null || array.isNull() ? java.util.List.of() : array::elements;
    }
}
