import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// Why a request to a backend failed before its response head, by the error's type (never its text): what the
/// proxy may do about it depends on whether the request can have reached the backend.
enum UpstreamFailure: Equatable {
    /// The client went away or the task was cancelled: nobody's fault.
    case cancelled
    /// No pooled connection could be had in time: the request never left and the backend is not known to be down.
    case poolBusy
    /// The connection could not be made (refused, unreachable, DNS, connect timeout): the request never reached
    /// the backend, so routing it elsewhere is safe.
    case neverDelivered
    /// The backend closed the connection before any response byte (most often a kept-alive connection it was
    /// closing): retried once on a fresh connection.
    case closedBeforeReply
    /// No response head within the deadline.
    case timedOut
    /// Anything else: the backend failed the request.
    case failed

    init(_ error: any Error) {
        switch error {
        case is CancellationError:
            self = .cancelled
        case let error as HTTPClientError:
            switch error {
            case .cancelled: self = .cancelled
            case .getConnectionFromPoolTimeout: self = .poolBusy
            case .connectTimeout: self = .neverDelivered
            case .remoteConnectionClosed: self = .closedBeforeReply
            case .deadlineExceeded: self = .timedOut
            default: self = .failed
            }
        case is NIOConnectionError:
            self = .neverDelivered
        case let error as IOError:
            let unreachable = [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL]
            self = unreachable.contains(error.errnoCode) ? .neverDelivered : .failed
        case let error as ChannelError:
            if case .connectTimeout = error { self = .neverDelivered } else { self = .failed }
        default:
            self = .failed
        }
    }
}
