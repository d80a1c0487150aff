package io.orch.api.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.api.proto.ServiceSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DockerJsonStrictTest {
    private static JsonNode json(String text) throws Exception {
        return DockerJson.MAPPER.readTree(text);
    }

    private static ServiceSpec strict(String text) throws Exception {
        return DockerJson.mergeStrict(json(text), ServiceSpec.newBuilder()).build();
    }

    @Test
    void unknownFieldsWithDockersUnsetValuesAreAccepted() throws Exception {
        ServiceSpec spec = strict("{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\","
                + "\"NoSuchThing\":null,\"Flag\":false,\"Count\":0,\"Ratio\":0.0,\"Text\":\"\",\"Obj\":{},\"List\":[],"
                + "\"Isolation\":\"default\","
                + "\"Nested\":{\"CredentialSpec\":null,\"SELinuxContext\":null,\"NoNewPrivileges\":false,\"Deeper\":{\"A\":0}}}}}");
        assertEquals("busybox", spec.getTaskTemplate().getContainerSpec().getImage());
    }

    @Test
    void anUnknownFieldWithAValueIsRefusedNamingItsPath() {
        UnsupportedFieldException e = assertThrows(UnsupportedFieldException.class,
                () -> strict("{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"x\",\"Foo\":1}}}"));
        assertEquals("TaskTemplate.ContainerSpec.Foo: not supported by orch", e.getMessage());
        assertEquals("TaskTemplate.ContainerSpec.Foo", e.field());
    }

    @Test
    void theDeepestSetValueOfAnUnknownObjectIsNamed() {
        UnsupportedFieldException e = assertThrows(UnsupportedFieldException.class,
                () -> strict("{\"TaskTemplate\":{\"PluginSpec\":{\"Name\":\"\",\"Disabled\":null,\"Remote\":\"x\"}}}"));
        assertEquals("TaskTemplate.PluginSpec.Remote", e.field());
    }

    @Test
    void aListWithElementsIsSetEvenWhenTheyAreZero() {
        assertEquals("Groups", DockerJson.firstSetPath(DockerJson.MAPPER.createArrayNode().add(""), "Groups"));
        assertThrows(UnsupportedFieldException.class, () -> strict("{\"TaskTemplate\":{\"Resources\":{\"Reservations\":"
                + "{\"GenericResources\":[{\"DiscreteResourceSpec\":{\"Kind\":\"gpu\",\"Value\":1}}]}}}}"));
    }

    @Test
    void aKnownDefaultOnlyCountsForItsOwnFieldAndANonDefaultValueIsSet() throws Exception {
        assertNull(DockerJson.firstSetPath(json("\"default\""), "TaskTemplate.ContainerSpec.Isolation"));
        assertEquals("X.Isolation", DockerJson.firstSetPath(json("\"hyperv\""), "X.Isolation"));
        assertEquals("X.Mode", DockerJson.firstSetPath(json("\"default\""), "X.Mode"));
        assertEquals("X", DockerJson.firstSetPath(json("-1"), "X"));
        assertEquals("X", DockerJson.firstSetPath(json("0.5"), "X"));
    }

    @Test
    void keysAreMatchedCaseInsensitivelyAsGoDoes() throws Exception {
        ServiceSpec spec = strict("{\"name\":\"web\",\"tasktemplate\":{\"containerspec\":{\"image\":\"x\"}}}");
        assertEquals("x", spec.getTaskTemplate().getContainerSpec().getImage());
    }

    @Test
    void theLenientMergeStillIgnoresUnknownFieldsForJsonOrchWroteItself() throws Exception {
        ServiceSpec spec = DockerJson.merge(json("{\"Name\":\"web\",\"Foo\":{\"Bar\":1}}"), ServiceSpec.newBuilder()).build();
        assertEquals("web", spec.getName());
    }
}
