package io.orch.cli.parse;

/** One published port, field for field the API's EndpointSpec.Ports[] entry. */
public record PortConfig(String protocol, int targetPort, int publishedPort, String publishMode) {}
