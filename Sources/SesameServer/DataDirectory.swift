import Foundation
import SesameBackend

/// Files Sesame keeps in its data directory, each written with owner-only permissions.
enum DataDirectory {
    struct StartupError: Error, CustomStringConvertible {
        var description: String
    }

    static func prepare(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw StartupError(description: "--data-dir \(path) exists but is not a directory.") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StartupError(description: "Cannot create the data directory \(path): \(error.localizedDescription)")
        }
    }

    /// Writes `contents` to a new file readable by the owner only (mode 0600), replacing any old one.
    static func writePrivate(_ path: String, _ contents: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw StartupError(description: "Cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let bytes = Array(contents.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw StartupError(description: "Cannot write \(path): \(String(cString: strerror(errno)))") }
            written += n
        }
        fsync(fd)
    }

    /// The master key: from `SESAME_MASTER_KEY`, else `DATA/master.key`, else a new one written there.
    static func masterKey(_ configuration: SesameConfiguration) throws -> (key: [UInt8], source: String) {
        func decode(_ text: String, from source: String) throws -> [UInt8] {
            guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32 else {
                throw StartupError(description: "\(source) must hold base64 of exactly 32 bytes (make one with: openssl rand -base64 32).")
            }
            return Array(data)
        }
        if let given = configuration.masterKey {
            return (try decode(given, from: "SESAME_MASTER_KEY"), "SESAME_MASTER_KEY")
        }
        let path = configuration.masterKeyPath
        if let existing = FileManager.default.contents(atPath: path) {
            return (try decode(String(decoding: existing, as: UTF8.self), from: path), path)
        }
        if configuration.databaseURL == nil && FileManager.default.fileExists(atPath: configuration.sqlitePath) {
            // A store without its key (a restored backup, a copied directory): a new key could not
            // read its secrets, so none is made.
            throw StartupError(
                description:
                    "\(configuration.sqlitePath) exists but \(path) does not. The store's secrets are sealed with the master key it was made with: put that key at \(path) (or set SESAME_MASTER_KEY). Sesame will not make a new one for an existing store."
            )
        }
        let key = SecretBox.generateMasterKey()
        try writePrivate(path, Data(key).base64EncodedString() + "\n")
        return (key, path)
    }

    static func csvField(_ value: String) -> String {
        value.contains(",") || value.contains("\"") ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }

    /// `root-credentials.csv`: what was generated on first start, for the operator to keep.
    static func writeRootCredentials(_ created: Bootstrap.Created, path: String) throws {
        let header = "Account ID,Root email,Root password,Access key ID,Secret access key"
        let row = [
            created.accountID, created.rootEmail, created.rootPassword ?? "", created.accessKeyID, created.secretAccessKey ?? "",
        ].map(csvField).joined(separator: ",")
        try writePrivate(path, header + "\n" + row + "\n")
    }
}
