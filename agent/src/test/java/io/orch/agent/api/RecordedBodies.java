package io.orch.agent.api;

/** Request bodies the docker CLI 28 sent, copied from shared/reference/docker-cli-28-requests.txt. */
final class RecordedBodies {
    private RecordedBodies() {}

    /** {@code docker service create --name web --replicas 3 -p 8080:80 ...} (11_service_create). */
    static final String SERVICE_CREATE_11 = """
            {"Name": "web", "Labels": {}, "TaskTemplate": {"ContainerSpec": {"Image": "busybox:latest@sha256:abababababababababababababababababababababababababababababababab", "Args": ["sleep", "1000"], "Env": ["A=1"], "Init": false, "Healthcheck": {"Test": ["CMD-SHELL", "true"]}, "DNSConfig": {}}, "Resources": {"Limits": {"MemoryBytes": 67108864}, "Reservations": {"NanoCPUs": 500000000}}, "RestartPolicy": {"Condition": "on-failure", "Delay": 5000000000, "MaxAttempts": 0}, "Placement": {"Constraints": ["node.role==worker"], "Platforms": [{"Architecture": "amd64", "OS": "linux"}]}, "ForceUpdate": 0}, "Mode": {"Replicated": {"Replicas": 3}}, "UpdateConfig": {"Parallelism": 1, "Delay": 5000000000, "FailureAction": "rollback", "Monitor": 5000000000, "MaxFailureRatio": 0, "Order": "stop-first"}, "EndpointSpec": {"Mode": "vip", "Ports": [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080, "PublishMode": "ingress"}]}}
            """;
}
