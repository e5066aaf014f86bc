/// The console's pages as Mustache templates, compiled into the binary so Sesame stays one file
/// and loads no asset from anywhere else. `{{x}}` is HTML-escaped; `{{{x}}}` is used only for
/// HTML that Sesame rendered itself.
enum Templates {
    static let all: [String: String] = [
        "layout": layout, "signin": signIn, "home": home, "smtp": smtpSettings, "smtp-create": smtpCreate,
        "smtp-created": smtpCreated, "error": errorPage, "users": users, "user-delete": userDelete,
        "user": userDetail, "user-create": userCreate, "key-created": keyCreated,
        "identities": identities, "sending": sending, "mail": mailList, "message": message,
        "queue": queue, "suppression": suppression,
    ]

    static let queue = """
        <h1>Delivery queue</h1>
        <p>Delivery mode: <strong id="delivery-mode">{{mode}}</strong>. Each recipient of each accepted message has a row:
        queued (waiting for its next attempt), delivered, or bounced.</p>
        {{#notice}}<div class="info" role="status" id="notice">{{notice}}</div>{{/notice}}
        <p id="queue-states">{{#states}}<a href="/console/queue?state={{name}}">{{#current}}<strong>{{/current}}{{name}}: {{count}}{{#current}}</strong>{{/current}}</a> · {{/states}}</p>
        {{#queued}}<form method="post" action="/console/queue"><input type="hidden" name="csrf" value="{{csrf}}">
          <button type="submit" name="do" value="retry" id="retry-all">Retry all now</button></form>{{/queued}}
        <table id="queue">
          <thead><tr><th>Message</th><th>Recipient</th><th>Attempts</th><th>Next attempt</th><th>Last reply</th><th></th></tr></thead>
          <tbody>
          {{#rows}}<tr><td><a href="/console/mail/{{id}}"><code>{{id}}</code></a><br><span class="muted">{{queuedAt}}</span></td><td>{{recipient}}</td><td>{{attempts}}</td><td>{{next}}</td><td>{{reply}}</td>
            <td>{{#queued}}<form method="post" action="/console/queue"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
              <button class="secondary" type="submit" name="do" value="retry">Retry</button>
              <button class="danger" type="submit" name="do" value="delete">Delete</button></form>{{/queued}}</td></tr>{{/rows}}
          {{^rows}}<tr><td colspan="6">Nothing {{state}}.</td></tr>{{/rows}}
          </tbody>
        </table>
        """

    static let suppression = """
        <h1>Suppression list in {{region}}</h1>
        {{{picker}}}
        <p>Mail to these addresses is accepted but not sent: it bounces at once (OnAccountSuppressionList). Addresses that
        bounce permanently or complain are added automatically.</p>
        {{#notice}}<div class="info" role="status" id="notice">{{notice}}</div>{{/notice}}
        {{#error}}<div class="error" role="alert" id="error-message">{{error}}</div>{{/error}}
        <form method="post" action="/console/suppression">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="region" value="{{region}}">
          <label for="address">Email address</label> <input type="text" id="address" name="address" required>
          <label for="reason">Reason</label> <select id="reason" name="reason"><option>BOUNCE</option><option>COMPLAINT</option></select>
          <p><button type="submit" name="do" value="add" id="add-suppressed">Add to the list</button></p>
        </form>
        <table id="suppressed">
          <thead><tr><th>Address</th><th>Reason</th><th>Since</th><th></th></tr></thead>
          <tbody>
          {{#entries}}<tr><td>{{address}}</td><td>{{reason}}</td><td>{{time}}</td>
            <td><form method="post" action="/console/suppression"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="region" value="{{region}}">
              <input type="hidden" name="address" value="{{address}}"><button class="secondary" type="submit" name="do" value="remove">Remove</button></form></td></tr>{{/entries}}
          {{^entries}}<tr><td colspan="4">No suppressed addresses in this region.</td></tr>{{/entries}}
          </tbody>
        </table>
        """

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Sesame console</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 0; color: #16191f; background: #f2f3f3; }
        header { background: #232f3e; color: #fff; padding: .6rem 1.2rem; display: flex; gap: 1.2rem; align-items: center; }
        header a { color: #fff; text-decoration: none; }
        header .who { margin-left: auto; font-size: .9rem; }
        header form { display: inline; }
        main { max-width: 60rem; margin: 1.5rem auto; background: #fff; padding: 1.2rem 1.6rem; border-radius: 4px; }
        h1 { font-size: 1.5rem; margin-top: 0; }
        label { display: block; margin: .8rem 0 .2rem; font-weight: 600; }
        input[type=text], input[type=password], input[type=email] { width: 24rem; max-width: 100%; padding: .35rem; }
        button, .button { background: #ec7211; color: #fff; border: 0; padding: .45rem 1rem; border-radius: 2px; cursor: pointer; text-decoration: none; font-size: 1rem; }
        button.secondary, .button.secondary { background: #fff; color: #16191f; border: 1px solid #879596; }
        button.danger { background: #d13212; }
        table { border-collapse: collapse; width: 100%; margin: .8rem 0; }
        th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid #eaeded; }
        .error { background: #fde8e6; border-left: 4px solid #d13212; padding: .7rem 1rem; margin: .8rem 0; }
        .warning { background: #fff7e6; border-left: 4px solid #ec7211; padding: .7rem 1rem; margin: .8rem 0; }
        .info { background: #f1faff; border-left: 4px solid #0073bb; padding: .7rem 1rem; margin: .8rem 0; }
        code, .secret { font-family: ui-monospace, monospace; }
        code.key { word-break: break-all; font-size: 0.8em; }
        .muted { color: #555; font-size: 0.9em; }
        .columns { display: flex; gap: 2rem; flex-wrap: wrap; }
        </style>
        </head>
        <body>
        <header>
          <strong>Sesame</strong>
          {{#signedIn}}
          <a href="/console">Home</a>
          <a href="/console/smtp?region={{region}}">SMTP settings</a>
          <a href="/console/iam/users">IAM users</a>
          <a href="/console/identities?region={{region}}">Identities</a>
          <a href="/console/sending?region={{region}}">Sending</a>
          <a href="/console/mail">Captured mail</a>
          <a href="/console/queue">Queue</a>
          <a href="/console/suppression?region={{region}}">Suppression list</a>
          <span class="who">Signed in as {{displayName}} · account {{accountID}}</span>
          <form method="post" action="/console/signout"><input type="hidden" name="csrf" value="{{csrf}}"><button class="secondary" type="submit">Sign out</button></form>
          {{/signedIn}}
        </header>
        <main>
        {{{body}}}
        </main>
        </body>
        </html>
        """

    static let signIn = """
        <h1>Sign in to the Sesame console</h1>
        {{#error}}<div class="error" role="alert">{{error}}</div>{{/error}}
        <div class="columns">
        <form method="post" action="/console/signin">
          <h2>Root user</h2>
          <input type="hidden" name="kind" value="root">
          <input type="hidden" name="signin_csrf" value="{{signinCSRF}}">
          <label for="root-email">Root user email address</label>
          <input type="email" id="root-email" name="email" autocomplete="username" required>
          <label for="root-password">Password</label>
          <input type="password" id="root-password" name="password" autocomplete="current-password" required>
          <p><button type="submit" id="root-signin">Sign in as root user</button></p>
        </form>
        <form method="post" action="/console/signin">
          <h2>IAM user</h2>
          <input type="hidden" name="kind" value="iam">
          <input type="hidden" name="signin_csrf" value="{{signinCSRF}}">
          <label for="iam-account">Account ID</label>
          <input type="text" id="iam-account" name="account" inputmode="numeric" required>
          <label for="iam-user">IAM user name</label>
          <input type="text" id="iam-user" name="user" autocomplete="username" required>
          <label for="iam-password">Password</label>
          <input type="password" id="iam-password" name="password" autocomplete="current-password" required>
          <p><button type="submit" id="iam-signin">Sign in as IAM user</button></p>
        </form>
        </div>
        """

    static let home = """
        <h1>Sesame</h1>
        <p>Account <code>{{accountID}}</code>, regions: {{#regions}}<code>{{.}}</code> {{/regions}}</p>
        <ul>
          <li><a href="/console/smtp?region={{region}}">SMTP settings</a>: the SMTP endpoint and its ports, and SMTP credentials.</li>
          <li><a href="/console/iam/users">IAM users</a>: users, their keys, policies and passwords, and why their SMTP logins failed.</li>
          <li><a href="/console/identities?region={{region}}">Identities</a>: the addresses and domains you may send from, and the DNS records to publish.</li>
          <li><a href="/console/sending?region={{region}}">Sending</a>: your sending quota and statistics.</li>
          <li><a href="/console/mail">Captured mail</a>: what was accepted, kept for inspection instead of delivered.</li>
          <li><a href="/console/queue">Queue</a>: where each recipient's delivery stands; retry or delete.</li>
          <li><a href="/console/suppression?region={{region}}">Suppression list</a>: addresses mail is no longer sent to.</li>
        </ul>
        """

    static let smtpSettings = """
        <h1>Simple Mail Transfer Protocol (SMTP) settings</h1>
        <form method="get" action="/console/smtp">
          <label for="region">Region</label>
          <select id="region" name="region">{{#regionChoices}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/regionChoices}}</select>
          <button class="secondary" type="submit">Show</button>
        </form>
        <table>
          <tr><th>SMTP endpoint</th><td><code id="smtp-endpoint">{{hostname}}</code></td></tr>
          <tr><th>STARTTLS port</th><td id="starttls-ports">{{starttlsPorts}}</td></tr>
          <tr><th>TLS wrapper port</th><td id="tls-ports">{{tlsPorts}}</td></tr>
          <tr><th>Transport Layer Security (TLS)</th><td>Required</td></tr>
          <tr><th>Authentication</th><td>AUTH PLAIN or AUTH LOGIN with SMTP credentials</td></tr>
        </table>
        <p><a class="button" id="create-smtp-credentials" href="/console/smtp/create?region={{region}}">Create SMTP credentials</a>
           <a class="button secondary" href="/console/iam/users">Manage my existing SMTP credentials</a></p>
        <div class="info">
          <p><strong>About SMTP credentials.</strong> SMTP credentials are not your AWS access keys: they are an IAM user's
          access key ID (the SMTP user name) and a password derived from its secret access key. They work in every region
          this node serves ({{#regions}}{{.}} {{/regions}}); the password shown when you create them is made for the region
          selected here. The password can be seen only once, when the credentials are created.</p>
          <p>To end SMTP credentials, delete their IAM user. To change the password, delete the user and create new
          credentials: <a href="/console/iam/users">IAM users</a> offers both in one step ("Rotate").</p>
        </div>
        """

    static let smtpCreate = """
        <h1>Create User for SMTP</h1>
        {{#error}}<div class="error" role="alert">{{error}}</div>{{/error}}
        <p>This creates an IAM user with permission to send mail (an inline policy named
        <code>AmazonSesSendingAccess</code> that allows <code>ses:SendRawEmail</code>) and an access key for it.</p>
        <form method="post" action="/console/smtp/create">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <input type="hidden" name="region" value="{{region}}">
          {{#replacing}}<input type="hidden" name="replace" value="{{replacing}}"><p class="warning">Creating the new credentials deletes the IAM user <code>{{replacing}}</code> and with it the old SMTP credentials.</p>{{/replacing}}
          <label for="user-name">IAM User Name</label>
          <input type="text" id="user-name" name="userName" value="{{proposedName}}" maxlength="64" required>
          <p><button type="submit" id="create">Create</button> <a class="button secondary" href="/console/smtp?region={{region}}">Cancel</a></p>
        </form>
        """

    static let smtpCreated = """
        <h1>Your SMTP credentials</h1>
        <div class="warning" role="alert"><strong>This is the only time you can see or download these credentials.</strong>
        Once you close this page, the SMTP password cannot be shown again; you can create new credentials at any time.</div>
        <p>IAM user <code id="created-user">{{userName}}</code> was created with permission to send mail. The password is for
        region <code>{{region}}</code> (SMTP endpoint <code>{{hostname}}</code>).</p>
        <details id="show-credentials">
          <summary>Show User SMTP Credentials</summary>
          <table>
            <tr><th>IAM User Name</th><td class="secret" id="iam-user-name">{{userName}}</td></tr>
            <tr><th>SMTP user name</th><td class="secret" id="smtp-username">{{smtpUsername}}</td></tr>
            <tr><th>SMTP password</th><td class="secret" id="smtp-password">{{smtpPassword}}</td></tr>
          </table>
        </details>
        <form method="post" action="/console/smtp/credentials.csv">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <input type="hidden" name="userName" value="{{userName}}">
          <input type="hidden" name="smtpUsername" value="{{smtpUsername}}">
          <input type="hidden" name="smtpPassword" value="{{smtpPassword}}">
          <p><button type="submit" id="download">Download Credentials</button>
             <a class="button secondary" id="close" href="/console/smtp?region={{region}}">Close</a></p>
        </form>
        """

    static let errorPage = """
        <h1>{{heading}}</h1>
        <div class="error" role="alert" id="error-message">{{message}}</div>
        <p><a href="{{back}}">Back</a></p>
        """

    static let users = """
        <h1>IAM users</h1>
        <p><a class="button" id="create-user" href="/console/iam/create-user">Create user</a></p>
        {{#notice}}<div class="info" role="status">{{notice}}</div>{{/notice}}
        <table>
          <thead><tr><th>User name</th><th>Created</th><th>ARN</th><th></th></tr></thead>
          <tbody>
          {{#users}}<tr><td><a href="/console/iam/users/{{pathName}}">{{name}}</a></td><td>{{created}}</td><td><code>{{arn}}</code></td>
            <td><a href="/console/iam/users/{{pathName}}/delete">Delete</a> · <a href="/console/smtp/create?replace={{pathName}}">Rotate</a></td></tr>{{/users}}
          {{^users}}<tr><td colspan="4">No IAM users yet.</td></tr>{{/users}}
          </tbody>
        </table>
        """

    static let userDelete = """
        <h1>Delete IAM user {{name}}?</h1>
        <div class="warning">Deleting <code>{{name}}</code> also deletes what it owns, and any SMTP credentials made from its
        access keys stop working at once:
          <ul>
          {{#keys}}<li>access key <code>{{.}}</code></li>{{/keys}}
          {{#policies}}<li>inline policy <code>{{.}}</code></li>{{/policies}}
          {{#attached}}<li>attached policy <code>{{.}}</code> (detached)</li>{{/attached}}
          {{#hasPassword}}<li>its console password</li>{{/hasPassword}}
          {{#nothing}}<li>nothing else: the user has no keys, policies or password</li>{{/nothing}}
          </ul>
        </div>
        <form method="post" action="/console/iam/users/{{pathName}}/delete">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label for="confirm">Type the user name to confirm</label>
          <input type="text" id="confirm" name="confirm" autocomplete="off" required>
          <p><button class="danger" type="submit" id="delete">Delete user</button> <a class="button secondary" href="/console/iam/users">Cancel</a></p>
        </form>
        """

    static let userCreate = """
        <h1>Create IAM user</h1>
        {{#error}}<div class="error" role="alert">{{error}}</div>{{/error}}
        <form method="post" action="/console/iam/create-user">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label for="new-user-name">User name</label>
          <input type="text" id="new-user-name" name="userName" value="{{userName}}" maxlength="64" required>
          <p><button type="submit" id="create-user-submit">Create user</button> <a class="button secondary" href="/console/iam/users">Cancel</a></p>
        </form>
        """

    static let keyCreated = """
        <h1>Access key created for {{name}}</h1>
        <div class="warning" role="alert"><strong>This is the only time the secret access key can be seen.</strong></div>
        <table>
          <tr><th>Access key ID</th><td class="secret" id="new-key-id">{{keyID}}</td></tr>
          <tr><th>Secret access key</th><td class="secret" id="new-key-secret">{{secret}}</td></tr>
        </table>
        <p><a class="button secondary" href="/console/iam/users/{{pathName}}">Close</a></p>
        """

    static let userDetail = """
        <h1>IAM user {{name}}</h1>
        {{#notice}}<div class="info" role="status" id="notice">{{notice}}</div>{{/notice}}
        {{#error}}<div class="error" role="alert" id="error-message">{{error}}</div>{{/error}}
        <table>
          <tr><th>ARN</th><td><code>{{arn}}</code></td></tr>
          <tr><th>Created</th><td>{{created}}</td></tr>
        </table>

        <h2>Access keys</h2>
        <table id="access-keys">
          <thead><tr><th>Access key ID</th><th>Status</th><th>Created</th><th>Last used</th><th></th></tr></thead>
          <tbody>
          {{#keys}}<tr><td><code>{{id}}</code></td><td>{{status}}</td><td>{{created}}</td><td>{{lastUsed}}</td>
            <td>
              <form method="post" action="/console/iam/users/{{pathName}}/action" style="display:inline">
                <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="key" value="{{id}}">
                <button class="secondary" type="submit" name="do" value="{{toggle}}">{{toggleLabel}}</button>
                <button class="danger" type="submit" name="do" value="delete-key">Delete</button>
              </form>
            </td></tr>{{/keys}}
          {{^keys}}<tr><td colspan="5">No access keys.</td></tr>{{/keys}}
          </tbody>
        </table>
        <form method="post" action="/console/iam/users/{{pathName}}/action">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <button type="submit" name="do" value="create-key" id="create-key">Create access key</button>
          <a class="button secondary" href="/console/smtp/create?replace={{pathName}}">Rotate SMTP credentials</a>
        </form>

        <h2>Recent SMTP login failures</h2>
        <p>Mailers only ever hear <code>535 Authentication Credentials Invalid</code>; this is why their logins with this user's keys failed.</p>
        <table id="auth-failures">
          <thead><tr><th>Time</th><th>From</th><th>User name sent</th><th>Diagnosis</th></tr></thead>
          <tbody>
          {{#failures}}<tr><td>{{time}}</td><td>{{source}}</td><td><code>{{username}}</code></td><td><strong>{{diagnosis}}</strong>: {{explanation}}</td></tr>{{/failures}}
          {{^failures}}<tr><td colspan="4">None recorded.</td></tr>{{/failures}}
          </tbody>
        </table>

        <h2>Permissions</h2>
        <table>
          <thead><tr><th>Policy</th><th>Type</th><th></th></tr></thead>
          <tbody>
          {{#policies}}<tr><td><code>{{name}}</code></td><td>inline</td><td><a href="/console/iam/users/{{pathName}}?policy={{pathPolicy}}#policy-name">Edit</a></td></tr>{{/policies}}
          {{#attached}}<tr><td><code>{{.}}</code></td><td>AWS managed</td><td></td></tr>{{/attached}}
          </tbody>
        </table>
        <form method="post" action="/console/iam/users/{{pathName}}/action">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label for="policy-name">Inline policy name</label>
          <input type="text" id="policy-name" name="policyName" value="{{policyName}}">
          <label for="policy-document">Policy document (JSON)</label>
          <textarea id="policy-document" name="document" rows="8" cols="80">{{policyDocument}}</textarea>
          <p><button type="submit" name="do" value="put-policy" id="save-policy">Save inline policy</button>
             <button class="danger" type="submit" name="do" value="delete-policy" id="delete-policy">Delete inline policy</button></p>
        </form>

        <h2>Console password</h2>
        <p id="password-state">{{#hasPassword}}This user can sign in to the console.{{/hasPassword}}{{^hasPassword}}This user has no console password.{{/hasPassword}}</p>
        <form method="post" action="/console/iam/users/{{pathName}}/action">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label for="new-password">New console password</label>
          <input type="password" id="new-password" name="password" autocomplete="new-password">
          <p><button type="submit" name="do" value="set-password" id="set-password">Set password</button>
          {{#hasPassword}}<button class="danger" type="submit" name="do" value="remove-password" id="remove-password">Remove password</button>{{/hasPassword}}</p>
        </form>
        <p><a class="button danger" href="/console/iam/users/{{pathName}}/delete">Delete user…</a></p>
        """

    static let regionPicker = """
        <form method="get" action="{{action}}">
          <label for="region">Region</label>
          <select id="region" name="region">{{#regionChoices}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/regionChoices}}</select>
          <button class="secondary" type="submit">Show</button>
        </form>
        """

    static let identities = """
        <h1>Identities in {{region}}</h1>
        {{{picker}}}
        {{#notice}}<div class="info" role="status" id="notice">{{notice}}</div>{{/notice}}
        {{#error}}<div class="error" role="alert" id="error-message">{{error}}</div>{{/error}}
        <form method="post" action="/console/identities">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="region" value="{{region}}">
          <label for="identity">Email address or domain</label>
          <input type="text" id="identity" name="identity" required>
          <p><button type="submit" name="do" value="add" id="add-identity">Create identity</button></p>
        </form>
        <table id="identities">
          <thead><tr><th>Identity</th><th>Type</th><th>Status</th><th>DNS records to publish</th><th></th></tr></thead>
          <tbody>
          {{#identities}}<tr><td>{{name}}</td><td>{{kind}}</td><td>{{status}}</td>
            <td>{{#token}}<div>TXT <code>_amazonses.{{name}}</code> <code>"{{token}}"</code></div>{{/token}}
                {{#dkimRecords}}<div class="dkim-record">TXT <code>{{name}}</code> <code class="key">"{{value}}"</code></div>{{/dkimRecords}}
                {{#dkimSigning}}<div class="muted">{{dkimSigning}}</div>{{/dkimSigning}}</td>
            <td><form method="post" action="/console/identities">
              <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="region" value="{{region}}"><input type="hidden" name="identity" value="{{name}}">
              {{#needsDkim}}<button class="secondary" type="submit" name="do" value="dkim">Set up DKIM</button>{{/needsDkim}}
              <button class="danger" type="submit" name="do" value="delete">Delete</button></form></td></tr>{{/identities}}
          {{^identities}}<tr><td colspan="5">No identities in this region yet.</td></tr>{{/identities}}
          </tbody>
        </table>
        """

    static let sending = """
        <h1>Sending in {{region}}</h1>
        {{{picker}}}
        <table id="quota">
          <tr><th>Sending quota</th><td>{{max24}} recipients per 24 hours</td></tr>
          <tr><th>Maximum send rate</th><td>{{rate}} recipients per second</td></tr>
          <tr><th>Sent in the last 24 hours</th><td id="sent-24">{{sent}}</td></tr>
          <tr><th>Account</th><td>{{#sandbox}}in the sandbox: recipients must be verified{{/sandbox}}{{^sandbox}}production access{{/sandbox}}</td></tr>
        </table>
        <h2>Recipients per hour, last 48 hours</h2>
        {{{chart}}}
        """

    static let mailList = """
        <h1>Captured mail</h1>
        <p>Every accepted message is kept here, newest first. In capture mode (the default) that is all that happens to it;
        in relay and mx modes each message's page also shows how its delivery went.</p>
        <table id="mail">
          <thead><tr><th>Received</th><th>From</th><th>To</th><th>Subject</th><th>Via</th></tr></thead>
          <tbody>
          {{#messages}}<tr><td>{{time}}</td><td>{{source}}</td><td>{{to}}</td><td><a href="/console/mail/{{id}}">{{subject}}</a></td><td>{{via}}</td></tr>{{/messages}}
          {{^messages}}<tr><td colspan="5">No mail captured yet.</td></tr>{{/messages}}
          </tbody>
        </table>
        {{#hasOlder}}<p><a id="older" href="/console/mail?before={{older}}">Older messages</a></p>{{/hasOlder}}
        """

    static let message = """
        <h1>{{subject}}</h1>
        <table>
          <tr><th>Message ID</th><td><code id="message-id">{{id}}</code></td></tr>
          <tr><th>Region</th><td>{{region}}</td></tr>
          <tr><th>Sent by</th><td><code>{{principal}}</code> via {{via}}</td></tr>
          <tr><th>Envelope</th><td>{{source}} → {{to}}</td></tr>
        </table>
        <h2>Delivery</h2>
        <table id="deliveries"><thead><tr><th>Recipient</th><th>State</th><th>Attempts</th><th>Last reply</th></tr></thead><tbody>
        {{#deliveries}}<tr><td>{{recipient}}</td><td>{{state}}</td><td>{{attempts}}</td><td>{{reply}}</td></tr>{{/deliveries}}
        {{^deliveries}}<tr><td colspan="4">Captured only: not queued for delivery.</td></tr>{{/deliveries}}</tbody></table>
        {{#hasEvents}}<h3>Events</h3>{{/hasEvents}}
        <table id="events">{{#events}}<tr><td>{{time}}</td><td>{{kind}}</td><td>{{recipients}}</td><td>{{type}}</td><td>{{detail}}</td></tr>{{/events}}</table>
        <h2>Headers</h2>
        <table id="headers">{{#headers}}<tr><th>{{name}}</th><td>{{value}}</td></tr>{{/headers}}</table>
        {{#text}}<h2>Text</h2><pre id="text-part">{{text}}</pre>{{/text}}
        {{#html}}<h2>HTML</h2>
        <iframe id="html-part" sandbox title="HTML part" srcdoc="{{html}}" style="width:100%;height:24rem;border:1px solid #879596"></iframe>{{/html}}
        <h2>Raw source</h2>
        <pre id="raw" style="white-space:pre-wrap">{{raw}}</pre>
        """
}
