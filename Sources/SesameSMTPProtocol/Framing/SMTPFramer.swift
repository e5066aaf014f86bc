/// What the framer cuts out of the byte stream.
public enum SMTPFrame: Equatable, Sendable {
    /// A command line, without its CRLF.
    case command(String)
    /// A command line longer than the limit (its bytes were discarded).
    case commandTooLong
    /// A command line ended by a bare LF, or holding a bare CR (refused: no SMTP smuggling).
    case commandBadLineEnding
    /// The message after DATA, dot-unstuffed, without the final `.`.
    case message([UInt8])
    /// The message ended, but it was larger than the limit; its bytes were discarded.
    case messageTooLarge
    /// The message ended, but it held a bare CR; refused as a whole.
    case messageBadLineEnding
}

/// Cuts SMTP input into command lines and DATA payloads. A plain value: bytes go in with
/// `append`, frames come out of `next()`, one at a time, so the caller decides when to read on
/// (after DATA the rest of the input is read as a message, after STARTTLS none may remain).
///
/// Only `CRLF` ends a command line, and only `CRLF . CRLF` ends a message, so no other server
/// can read a different message boundary out of the same bytes (the SMTP smuggling attack). In a
/// message, a bare LF is taken as a line ending and stored as CRLF (what Python's email package
/// and many scripts send; Postfix 3.9's `smtpd_forbid_bare_newline = normalize`), but a line
/// that a bare LF starts can never end the message. A bare CR is refused.
public struct SMTPFramer: Sendable {
    public enum Mode: Sendable, Equatable {
        case command
        case data
    }

    public let maxCommandLength: Int
    public let maxMessageSize: Int
    public private(set) var mode: Mode = .command

    var buffer: [UInt8] = []
    var start = 0
    /// Command mode: discarding the rest of an over-long line.
    var skippingLongLine = false
    var skippedLongLine = false

    // Data mode state.
    /// `bareLineStart` and `bareDot`: a line begun by a bare LF, where a dot is unstuffed only
    /// from `..`, and `.` CRLF is content, never the end.
    enum DataState { case lineStart, dot, dotCR, middle, middleCR, bareLineStart, bareDot }
    var dataState = DataState.lineStart
    var body: [UInt8] = []
    var bodySize = 0
    var tooLarge = false
    var badLineEnding = false

    public init(maxCommandLength: Int = 2048, maxMessageSize: Int) {
        self.maxCommandLength = maxCommandLength
        self.maxMessageSize = maxMessageSize
    }

    /// Bytes received but not yet turned into frames.
    public var bufferedByteCount: Int { buffer.count - start }

    public mutating func append(_ bytes: some Collection<UInt8>) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 65_536 && start * 2 > buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Reads what follows as a message, up to `CRLF . CRLF`.
    public mutating func beginData() {
        mode = .data
        dataState = .lineStart
        body = []
        body.reserveCapacity(min(maxMessageSize, 16_384))
        bodySize = 0
        tooLarge = false
        badLineEnding = false
    }

    /// The next complete frame, or nil when more bytes are needed.
    public mutating func next() -> SMTPFrame? {
        switch mode {
        case .command: return nextCommand()
        case .data: return nextMessage()
        }
    }

    mutating func nextCommand() -> SMTPFrame? {
        while true {
            guard let lf = firstIndex(of: 0x0A, from: start) else {
                if bufferedByteCount > maxCommandLength {
                    // Keep nothing of a line that is already too long.
                    start = buffer.count
                    skippingLongLine = true
                }
                return nil
            }
            let lineStart = start
            start = lf + 1
            if skippingLongLine {
                skippingLongLine = false
                return .commandTooLong
            }
            if lf - lineStart + 1 > maxCommandLength { return .commandTooLong }
            guard lf > lineStart, buffer[lf - 1] == 0x0D else { return .commandBadLineEnding }
            let end = lf - 1
            if buffer[lineStart..<end].contains(0x0D) { return .commandBadLineEnding }
            return .command(String(decoding: buffer[lineStart..<end], as: UTF8.self))
        }
    }

    func firstIndex(of byte: UInt8, from: Int) -> Int? {
        buffer.withUnsafeBufferPointer { pointer in
            var index = from
            while index < pointer.count {
                if pointer[index] == byte { return index }
                index += 1
            }
            return nil
        }
    }

    mutating func emit(_ byte: UInt8) {
        bodySize += 1
        if bodySize > maxMessageSize {
            if !tooLarge { tooLarge = true; body = [] }
            return
        }
        body.append(byte)
    }

    mutating func emit(_ bytes: ArraySlice<UInt8>) {
        bodySize += bytes.count
        if bodySize > maxMessageSize {
            if !tooLarge { tooLarge = true; body = [] }
            return
        }
        body.append(contentsOf: bytes)
    }

    mutating func nextMessage() -> SMTPFrame? {
        let cr: UInt8 = 0x0D, lf: UInt8 = 0x0A, dot: UInt8 = 0x2E
        var index = start
        let end = buffer.count
        while index < end {
            switch dataState {
            case .middle:
                // Copy the run of ordinary bytes in one go.
                var run = index
                while run < end, buffer[run] != cr, buffer[run] != lf { run += 1 }
                if run > index { emit(buffer[index..<run]) }
                index = run
                guard index < end else { break }
                if buffer[index] == cr {
                    dataState = .middleCR
                } else {
                    // A bare LF: stored as CRLF, but `LF . CRLF` must not end the message.
                    emit(cr)
                    emit(lf)
                    dataState = .bareLineStart
                }
                index += 1
            case .middleCR:
                if buffer[index] == lf {
                    emit(cr)
                    emit(lf)
                    dataState = .lineStart
                    index += 1
                } else {
                    badLineEnding = true
                    emit(cr)
                    dataState = .middle
                    if buffer[index] == cr { dataState = .middleCR; index += 1 }
                }
            case .lineStart:
                let byte = buffer[index]
                index += 1
                if byte == dot {
                    dataState = .dot
                } else if byte == cr {
                    dataState = .middleCR
                } else if byte == lf {
                    emit(cr)
                    emit(lf)
                    dataState = .bareLineStart
                } else {
                    emit(byte)
                    dataState = .middle
                }
            case .bareLineStart:
                let byte = buffer[index]
                index += 1
                if byte == dot {
                    dataState = .bareDot
                } else if byte == cr {
                    dataState = .middleCR
                } else if byte == lf {
                    emit(cr)
                    emit(lf)
                } else {
                    emit(byte)
                    dataState = .middle
                }
            case .bareDot:
                // `..` is a stuffed dot; any other dot is kept as content.
                emit(dot)
                if buffer[index] == dot { index += 1 }
                dataState = .middle
            case .dot:
                // A leading dot is always removed (RFC 5321 4.5.2); `.` CRLF ends the message.
                let byte = buffer[index]
                if byte == cr {
                    dataState = .dotCR
                    index += 1
                } else if byte == lf {
                    // `.` LF is no end of data: the dot is content, the LF a line ending.
                    emit(dot)
                    emit(cr)
                    emit(lf)
                    dataState = .bareLineStart
                    index += 1
                } else {
                    dataState = .middle
                }
            case .dotCR:
                if buffer[index] == lf {
                    start = index + 1
                    mode = .command
                    let frame: SMTPFrame
                    if tooLarge {
                        frame = .messageTooLarge
                    } else if badLineEnding {
                        frame = .messageBadLineEnding
                    } else {
                        frame = .message(body)
                    }
                    body = []
                    return frame
                }
                // `.` CR followed by something else: a bare CR.
                badLineEnding = true
                emit(cr)
                dataState = .middle
            }
        }
        start = end
        return nil
    }
}
