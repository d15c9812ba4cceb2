/// Something that happened to a request or the cluster, in cluster time (seconds).
public enum ClusterEvent: Sendable, Equatable {
    case arrived(RequestID, time: Double)
    case routed(RequestID, InstanceID, time: Double)
    case held(RequestID, time: Double)
    case admitted(RequestID, InstanceID, time: Double)
    case firstToken(RequestID, InstanceID, time: Double)
    case finished(RequestID, InstanceID, time: Double)
    case preempted(RequestID, InstanceID, time: Double)
    case policyChanged(String, time: Double)
    case burst(BurstKind, requests: Int, time: Double)
}
