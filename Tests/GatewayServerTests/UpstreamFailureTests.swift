import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@testable import GatewayServer

@Suite struct UpstreamFailureTests {
    struct Other: Error {}

    @Test func failuresAreClassifiedByTypeNotText() {
        #expect(UpstreamFailure(IOError(errnoCode: ECONNREFUSED, reason: "connect")) == .neverDelivered)
        #expect(UpstreamFailure(IOError(errnoCode: ECONNRESET, reason: "connection refused")) == .failed)
        #expect(UpstreamFailure(ChannelError.connectTimeout(.seconds(1))) == .neverDelivered)
        #expect(UpstreamFailure(HTTPClientError.connectTimeout) == .neverDelivered)
        #expect(UpstreamFailure(HTTPClientError.remoteConnectionClosed) == .closedBeforeReply)
        #expect(UpstreamFailure(HTTPClientError.getConnectionFromPoolTimeout) == .poolBusy)
        #expect(UpstreamFailure(HTTPClientError.deadlineExceeded) == .timedOut)
        #expect(UpstreamFailure(HTTPClientError.cancelled) == .cancelled)
        #expect(UpstreamFailure(CancellationError()) == .cancelled)
        #expect(UpstreamFailure(Other()) == .failed)
    }
}
