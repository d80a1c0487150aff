package io.orch.api.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.Message;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.Config;
import io.orch.api.proto.Network;
import io.orch.api.proto.Node;
import io.orch.api.proto.Secret;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The list routes write objects straight to a generator ({@link DockerJson#write}); every other
 * route, the tests and the CLI know them through the tree ({@link DockerJson#toJson}). The two
 * must give the same bytes, for any content of any store object.
 */
class DockerJsonStreamingTest {
    private static final List<Message> KINDS = List.of(Service.getDefaultInstance(), Task.getDefaultInstance(),
            Node.getDefaultInstance(), Cluster.getDefaultInstance(), Secret.getDefaultInstance(), Config.getDefaultInstance(),
            Network.getDefaultInstance());

    @Property(tries = 300)
    void aStreamedObjectIsTheSerialisedTreeByteForByte(@ForAll long seed) throws IOException {
        RandomMessages random = new RandomMessages(seed);
        for (Message kind : KINDS) {
            Message m = random.fill(kind);
            assertEquals(tree(m), streamed(m), () -> kind.getDescriptorForType().getName() + " from seed " + seed);
        }
    }

    @Test
    void emptyObjectsAreStreamedWithTheFieldsDockerAlwaysSends() throws IOException {
        for (Message kind : KINDS) {
            assertEquals(tree(kind), streamed(kind), kind.getDescriptorForType().getName());
        }
    }

    @Test
    void writeFieldsLeavesTheObjectOpenForTheCallersOwnMembers() throws IOException {
        Service s = new RandomMessages(7).fill(Service.getDefaultInstance());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = DockerJson.MAPPER.createGenerator(bytes)) {
            out.writeStartObject();
            DockerJson.writeFields(s, out);
            out.writeNumberField("Extra", 1);
            out.writeEndObject();
        }
        assertEquals(DockerJson.MAPPER.writeValueAsString(DockerJson.toJson(s).put("Extra", 1)), bytes.toString(StandardCharsets.UTF_8));
    }

    private static String tree(Message m) throws IOException {
        return DockerJson.MAPPER.writeValueAsString(DockerJson.toJson(m));
    }

    private static String streamed(Message m) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = DockerJson.MAPPER.createGenerator(bytes)) {
            DockerJson.write(m, out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
