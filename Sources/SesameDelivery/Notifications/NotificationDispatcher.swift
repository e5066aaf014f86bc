import AsyncHTTPClient
public import Foundation
public import Logging
public import NIOCore
import NIOHTTP1
public import ServiceLifecycle
import SesameBackend
public import SesameConcurrency
public import SesameCore
public import SesameStorage

/// Posts SNS messages from the store's outbox to their HTTP(S) endpoints, as SNS does: the
/// JSON body, SNS's `x-amz-sns-*` headers, retried with backoff until the endpoint answers 2xx
/// or the retry time is used up. Claims use leases, so several nodes share the outbox.
public final class NotificationDispatcher: Service, Sendable {
    public struct Settings: Sendable {
        public var owner = "\(ProcessInfo.processInfo.hostName)/\(getpid())/sns"
        /// SNS retries HTTP deliveries for about an hour by default.
        public var retry = RetryPolicy(initialDelay: 20, maximumDelay: 600, maximumAge: 3600)
        public var lease: TimeInterval = 120
        public var concurrency = 16
        public var timeout: TimeAmount = .seconds(15)
        public var pollInterval: Duration = .seconds(1)

        public init() {}
    }

    let store: any Store
    let clock: any WallClock
    let settings: Settings
    let logger: Logger
    let client: HTTPClient
    let wake: WakeSignal

    public init(store: any Store, clock: any WallClock, settings: Settings, wake: WakeSignal, logger: Logger) {
        self.store = store
        self.clock = clock
        self.settings = settings
        self.wake = wake
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: settings.timeout)
        configuration.redirectConfiguration = .disallow
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func run() async throws {
        let stopping = Locked(false)
        await withGracefulShutdownHandler {
            while !stopping.withLock({ $0 }), !Task.isCancelled {
                let now = clock.now()
                let owner = settings.owner, limit = settings.concurrency, leaseUntil = now.addingTimeInterval(settings.lease)
                let items =
                    (try? await store.transaction { try await $0.claimOutbox(owner: owner, now: now, leaseUntil: leaseUntil, limit: limit) })
                    ?? []
                if items.isEmpty {
                    await wake.wait(timeout: settings.pollInterval)
                    continue
                }
                await withTaskGroup(of: Void.self) { group in
                    for item in items { group.addTask { await self.post(item) } }
                }
            }
        } onGracefulShutdown: {
            stopping.withLock { $0 = true }
            self.wake.signal()
        }
        try? await client.shutdown()
    }

    func post(_ item: SNSOutboxItem) async {
        var request = HTTPClientRequest(url: item.endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/plain; charset=UTF-8")
        request.headers.add(name: "User-Agent", value: "Amazon Simple Notification Service Agent")
        request.headers.add(name: "x-amz-sns-message-type", value: item.messageType)
        request.headers.add(name: "x-amz-sns-topic-arn", value: item.topicARN)
        if item.messageType == "Notification" { request.headers.add(name: "x-amz-sns-subscription-arn", value: item.subscriptionARN) }
        if let id = (try? JSONSerialization.jsonObject(with: Data(item.body.utf8)) as? [String: Any])?["MessageId"] as? String {
            request.headers.add(name: "x-amz-sns-message-id", value: id)
        }
        request.body = .bytes(ByteBuffer(string: item.body))
        var done = item
        do {
            let response = try await client.execute(request, timeout: settings.timeout)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if (200..<300).contains(Int(response.status.code)) {
                done.state = .delivered
                done.lastError = nil
            } else {
                done.lastError = "HTTP \(response.status.code)"
            }
        } catch {
            done.lastError = "\(error)"
        }
        let now = clock.now()
        var subscription: SNSSubscription?
        if done.state != .delivered {
            if item.messageType == "Notification" {
                // Notifications are retried as the topic's or subscription's DeliveryPolicy says.
                let found = try? await store.read { session in
                    (try await session.subscription(arn: item.subscriptionARN), try await session.topic(arn: item.topicARN))
                }
                subscription = found?.0
                let policy = SNSDeliveryPolicy.effective(
                    topic: found?.1?.attributes["DeliveryPolicy"], subscription: found?.0?.attributes["DeliveryPolicy"])
                if let delay = policy.delay(beforeRetry: item.attempts) {
                    done.nextAttemptAt = now.addingTimeInterval(delay)
                } else {
                    done.state = .failed
                }
            } else if let next = settings.retry.nextAttempt(
                attempts: item.attempts, queuedAt: item.createdAt, now: now, jitter: Double.random(in: 0..<1))
            {
                done.nextAttemptAt = next
            } else {
                done.state = .failed
            }
            if done.state == .failed {
                logger.warning(
                    "gave up posting an SNS \(item.messageType) to \(item.endpoint) after \(item.attempts) attempts: \(done.lastError ?? "")"
                )
            }
        }
        let finished = done, owner = settings.owner, deadLetter = done.state == .failed ? subscription : nil
        do {
            try await store.transaction { session in
                try await session.completeOutbox(finished, owner: owner)
                // What could not be delivered goes to the subscription's dead-letter queue, if it has one.
                if let deadLetter { try await SNSBackend.deadLetter(session, subscription: deadLetter, body: finished.body, now: now) }
            }
        } catch {
            logger.error("could not record an SNS post's outcome (it will be retried): \(error)")
        }
    }
}
