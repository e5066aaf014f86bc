/// The console's one script: on the captured-mail page, new mail arrives without reloading
/// (Server-Sent Events from `/console/mail/events`). On the first page of everything, each new
/// message becomes a row at the top; on a search or a later page, a note says how many came.
/// It builds rows with `textContent` only: nothing from a message is ever parsed as HTML. The
/// page works without it.
enum MailLiveScript {
    static let source = """
        (function () {
          var table = document.getElementById('mail');
          if (!table || !window.EventSource) return;
          var live = table.getAttribute('data-live') === 'yes';
          var note = document.getElementById('live');
          var body = table.tBodies[0];
          var fresh = 0;
          var source = new EventSource('/console/mail/events');
          source.onmessage = function (event) {
            var m;
            try { m = JSON.parse(event.data); } catch (e) { return; }
            if (!live) {
              fresh += 1;
              note.hidden = false;
              note.textContent = fresh + (fresh === 1 ? ' new message' : ' new messages') + ' arrived. ';
              var link = document.createElement('a');
              link.href = '/console/mail';
              link.textContent = 'Show the newest';
              note.appendChild(link);
              return;
            }
            var empty = document.getElementById('empty');
            if (empty) empty.remove();
            var row = document.createElement('tr');
            row.className = 'unread';
            row.setAttribute('data-id', m.id);
            [m.time, m.from, m.to].forEach(function (text) {
              var cell = document.createElement('td');
              cell.textContent = text;
              row.appendChild(cell);
            });
            var subject = document.createElement('td');
            var strong = document.createElement('strong');
            var link = document.createElement('a');
            link.href = '/console/mail/' + encodeURIComponent(m.id);
            link.textContent = m.subject;
            strong.appendChild(link);
            subject.appendChild(strong);
            if (m.attachments) subject.appendChild(document.createTextNode(' \u{1F4CE}'));
            row.appendChild(subject);
            var via = document.createElement('td');
            via.textContent = m.via;
            row.appendChild(via);
            body.insertBefore(row, body.firstChild);
          };
        })();
        """
}
