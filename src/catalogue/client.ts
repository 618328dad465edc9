// The catalogue page's script (inlined). It reads the embedded JSON and builds the page with DOM
// calls only: every value from the list becomes a text node or a validated http(s) href, never HTML.
// Plain ES2019 so any current browser runs it; kept as text because the page must not load modules.
export const CLIENT_SCRIPT = String.raw`
"use strict";
(function () {
  var data = JSON.parse(document.getElementById("catalogue-data").textContent);

  // h("td", { className: "x" }, "text", node, ...): text children become text nodes.
  function h(tag, props) {
    var el = document.createElement(tag);
    if (props) for (var k in props) {
      if (props[k] === undefined || props[k] === null) continue;
      if (k === "dataset") for (var d in props.dataset) el.dataset[d] = props.dataset[d];
      else if (k === "hidden") el.hidden = !!props.hidden;
      else if (k === "href") el.href = props.href;
      else el.setAttribute(k === "className" ? "class" : k, String(props[k]));
    }
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function append(el, c) {
    if (c === undefined || c === null || c === false) return;
    if (Array.isArray(c)) { c.forEach(function (x) { append(el, x); }); return; }
    el.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
  // A LinkText: a link only when the generator accepted the address as http(s).
  function linkOf(l, label) {
    if (l.href && /^https?:\/\//i.test(l.href)) return h("a", { href: l.href, rel: "noopener noreferrer" }, label || l.text);
    return h("span", { className: "mono" }, l.text);
  }
  // Relative link to a file published next to this page.
  function fileLink(name) { return h("a", { href: "./" + encodeURIComponent(name) }, name); }
  function day(iso) { return iso ? iso.slice(0, 10) : ""; }
  function daysText(n) {
    if (n < 0) return "expired";
    if (n === 0) return "expires today";
    return "in " + n + (n === 1 ? " day" : " days");
  }
  function dl(pairs) {
    var out = h("dl");
    pairs.forEach(function (p) { if (p[1] !== "" && p[1] !== undefined) { out.appendChild(h("dt", null, p[0])); out.appendChild(h("dd", null, p[1])); } });
    return out;
  }
  function $(id) { return document.getElementById(id); }

  document.title = data.title;
  $("title").textContent = data.title;

  // List facts and freshness.
  var l = data.list;
  append($("list-meta"), [
    "List ", h("b", null, l.file), " serial ", h("b", null, String(l.serial)),
    ", issued ", h("b", { title: l.issued }, l.issued.replace("T", " ")),
    ", expires ", h("b", { title: l.expires, className: l.expired ? "state-expired" : "" }, l.expires.replace("T", " ")),
    " · source ", linkOf(l.repository), l.commit ? [" at ", h("span", { className: "mono", title: l.commit }, l.commit.slice(0, 12))] : "",
    " · page generated ", data.generatedAt.replace("T", " "),
  ]);
  var banner = $("banner");
  if (l.expired || Date.now() > Date.parse(l.expires)) {
    banner.hidden = false;
    banner.textContent = "This list expired on " + l.expires + ". Sites must not use it: fetch the current list and verify it.";
  }

  // Signature status and how to check it.
  var s = data.signature;
  var sig = $("signature-body");
  append(sig, h("p", null, "Signed list ", fileLink(s.listFile), " with its Sigstore bundle ", s.bundle ? fileLink(s.bundleFile) : h("span", { className: "mono" }, s.bundleFile),
    s.bundle ? h("span", { className: "muted", id: "bundle-summary" }, " (" + s.bundle.material + (s.bundle.keyHint ? " " + s.bundle.keyHint : "") +
      (s.bundle.certificateIdentity ? " for " + s.bundle.certificateIdentity : "") +
      (s.bundle.logIndexes.length ? ", transparency log entry " + s.bundle.logIndexes.join(", ") : ", no transparency log entry") + ")")
      : h("span", { className: "muted" }, " (no bundle was given when this page was generated)")));
  if (s.identityMismatch) append(sig, h("p", { className: "state-bad", id: "identity-mismatch" },
    "The bundle's certificate names another signer than this repository's (" + s.signer.identity + "): do not trust this list."));
  var v = s.verification;
  var status = v === null
    ? h("span", { className: "badge none", id: "verify-status" }, "not checked when this page was generated")
    : v.verified
      ? h("span", { className: "badge ok", id: "verify-status" }, "verification passed")
      : h("span", { className: "badge bad", id: "verify-status" }, "verification FAILED");
  append(sig, h("p", null, "Signature: ", status,
    v && v.reason ? [" ", h("span", { id: "verify-reason" }, v.reason)] : "",
    v && v.identity ? [" · signer ", h("span", { className: "mono" }, v.identity)] : "",
    v && v.issuer ? [" (", h("span", { className: "mono" }, v.issuer), ")"] : "",
    v && v.checked_at ? [" · checked ", v.checked_at] : ""));
  append(sig, h("p", null, "Check it yourself: download both files into one folder and run"));
  append(sig, h("pre", { className: "command", id: "verify-command" }, s.command));
  append(sig, h("p", { className: "muted small" }, s.needsKey
    ? (s.bundle && s.bundle.material === "public key" ? "The list is signed with a key, not keyless" : "This repository names no keyless signer (vmendorse.yaml list.signer)") +
      ": replace PUBLIC_KEY.pem with the public key its publisher gives you, obtained from a source you trust."
    : "The command checks the signature, that the signer is exactly this identity and issuer, and that the list has not expired."));

  // Filters.
  var voSelect = $("vo-filter"), search = $("search");
  data.vos.forEach(function (vo) { voSelect.appendChild(h("option", { value: vo.name }, vo.name)); });
  var params = new URLSearchParams(location.hash.slice(1));
  if (params.get("vo") && data.vos.some(function (x) { return x.name === params.get("vo"); })) voSelect.value = params.get("vo");
  if (params.get("q")) search.value = params.get("q");

  // One section per VO.
  var sections = [];
  var HEAD = ["Appliance", "Version", "OS", "Size", "Endorser", "Endorsed", "Expires", "Checklist", "SBOM"];
  data.vos.forEach(function (vo) {
    var tbody = h("tbody");
    var rows = vo.images.map(function (img) {
      var tr = h("tr", { className: "image", dataset: { appliance: img.appliance, version: img.version, vo: vo.name } },
        h("td", null,
          h("div", { className: "title" }, img.title),
          h("div", { className: "mono small" }, img.appliance, " ", h("span", { className: "badge none" }, img.type === "vo" ? "VO image" : "EGI image")),
          h("details", null, h("summary", null, "details"),
            img.description ? h("p", { className: "small" }, img.description) : null,
            dl([["admin user", img.adminUser], ["built", img.builtAt], ["endorser e-mail", img.endorser.email], ["endorser GitHub", img.endorser.github],
              ["provenance", img.provenance]].concat(
              img.artifacts.map(function (a) { return [a.format + " sha512", a.sha512]; }),
              img.sbom ? [["SBOM sha512", img.sbom.sha512]] : [],
              img.scan && img.scan.report ? [["checklist report", img.scan.report]] : [])))),
        h("td", { className: "nowrap mono version" }, img.version),
        h("td", { className: "nowrap os" }, img.os),
        h("td", { className: "nowrap size" }, img.artifacts.map(function (a, i) {
          return [i ? h("br") : null, linkOf(a.uri, a.format), " ", a.sizeText];
        })),
        h("td", { className: "endorser" }, img.endorser.name, h("div", { className: "mono small muted" }, img.endorser.id)),
        h("td", { className: "nowrap endorsed", title: img.endorsedAt }, day(img.endorsedAt)),
        h("td", { className: "nowrap expires state-" + img.state, title: img.expiresAt, dataset: { state: img.state } },
          day(img.expiresAt), h("div", { className: "small" }, daysText(img.daysLeft))),
        h("td", { className: "checklist" }, img.scan
          ? [h("span", { className: "badge " + (img.scan.result === "pass" ? "ok" : "bad") }, img.scan.result),
             h("div", { className: "small" }, img.scan.text), img.scan.lynis ? h("div", { className: "small muted" }, "Lynis index " + img.scan.lynis) : null]
          : h("span", { className: "badge none" }, "no report")),
        h("td", { className: "sbom" }, img.sbom && img.sbom.link.text ? linkOf(img.sbom.link, "CycloneDX") : img.sbom ? h("span", { className: "muted small" }, "digest only") : "—"));
      tbody.appendChild(tr);
      return { el: tr, img: img };
    });
    var empty = h("tr", { className: "empty", hidden: true }, h("td", { colspan: HEAD.length }, vo.images.length ? "No image of this VO matches the search." : "No image is endorsed for this VO now."));
    tbody.appendChild(empty);
    var count = h("span", { className: "sub" });
    var sec = h("section", { className: "vo", dataset: { vo: vo.name } },
      h("h2", null, vo.name, " ", count),
      h("div", { className: "table-wrap" }, h("table", null,
        h("thead", null, h("tr", null, HEAD.map(function (t) { return h("th", null, t); }))), tbody)));
    $("vos").appendChild(sec);
    sections.push({ name: vo.name, el: sec, rows: rows, empty: empty, count: count });
  });

  // Revoked versions, with the reason.
  var revokedBody = $("revoked-body");
  var revokedRows = data.revoked.map(function (r) {
    var tr = h("tr", { className: "revoked", dataset: { appliance: r.appliance, version: r.version } },
      h("td", { className: "mono" }, r.appliance),
      h("td", { className: "mono nowrap" }, r.version),
      h("td", { className: "nowrap" }, r.vos.indexOf("*") >= 0 ? "all VOs" : r.vos.join(", ")),
      h("td", null, h("p", { className: "reason" }, r.reason),
        r.cves.length ? h("div", { className: "small" }, "CVE: ", r.cves.join(", ")) : null,
        r.incident ? h("div", { className: "small" }, "incident ", r.incident) : null,
        r.sha512.length ? h("details", null, h("summary", null, "digests to remove"), dl(r.sha512.map(function (d, i) { return ["artifact " + (i + 1), d]; }))) : null),
      h("td", { className: "nowrap", title: r.revokedAt }, day(r.revokedAt)),
      h("td", null, r.revokedBy));
    revokedBody.appendChild(tr);
    return { el: tr, r: r };
  });
  var revokedEmpty = h("tr", { className: "empty", hidden: true }, h("td", { colspan: 6 }, data.revoked.length ? "No revoked version matches." : "No version is revoked."));
  revokedBody.appendChild(revokedEmpty);

  // Expiry timeline: one bar per endorsement, length proportional to the time left.
  var maxDays = Math.max(1, Math.max.apply(null, data.timeline.map(function (t) { return t.daysLeft; }).concat([1])));
  var tl = $("timeline-rows");
  var timelineRows = data.timeline.map(function (t) {
    var bar = h("div", { className: "bar " + t.state });
    bar.style.width = Math.max(0, Math.min(100, (t.daysLeft / maxDays) * 100)) + "%";
    var row = h("div", { className: "timeline-row", dataset: { vo: t.vo, appliance: t.appliance } },
      h("div", null, h("span", { className: "mono small" }, t.vo), " · ", t.title, " ", h("span", { className: "mono small" }, t.version)),
      h("div", { className: "bar-track", title: t.expiresAt }, bar),
      h("div", { className: "small state-" + t.state }, day(t.expiresAt), " (", daysText(t.daysLeft), ")"));
    tl.appendChild(row);
    return { el: row, t: t };
  });
  var tlEmpty = h("p", { className: "muted", hidden: true }, "Nothing to show.");
  tl.appendChild(tlEmpty);
  append($("timeline-note"), "Bars run from " + day(data.generatedAt) + " to each endorsement's expiry; amber: less than " + data.soonDays + " days left. The list itself expires on " + day(l.expires) + "; a renewed list is published before then.");

  function matches(haystack, terms) { return terms.every(function (t) { return haystack.indexOf(t) >= 0; }); }
  var haystacks = Object.create(null);
  data.vos.forEach(function (vo) { vo.images.forEach(function (img) { haystacks[vo.name + "\n" + img.appliance] = img.haystack; }); });
  function haystackOf(vo, appliance) { return haystacks[vo + "\n" + appliance] || ""; }

  function apply() {
    var vo = voSelect.value;
    var terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0, total = 0, vosShown = 0;
    sections.forEach(function (s) {
      var inVo = !vo || s.name === vo;
      s.el.hidden = !inVo;
      var n = 0;
      s.rows.forEach(function (r) {
        var show = inVo && matches(r.img.haystack, terms);
        r.el.hidden = !show;
        if (show) n++;
      });
      s.empty.hidden = !inVo || n > 0;
      s.count.textContent = n === s.rows.length ? "(" + n + " endorsed)" : "(" + n + " of " + s.rows.length + " shown)";
      total += s.rows.length;
      shown += n;
      if (inVo) vosShown++;
    });
    var rn = 0;
    revokedRows.forEach(function (x) {
      var show = (!vo || x.r.vos.indexOf("*") >= 0 || x.r.vos.indexOf(vo) >= 0) && matches(x.r.haystack, terms);
      x.el.hidden = !show;
      if (show) rn++;
    });
    revokedEmpty.hidden = rn > 0;
    var tn = 0;
    timelineRows.forEach(function (x) {
      var show = (!vo || x.t.vo === vo) && matches(haystackOf(x.t.vo, x.t.appliance), terms);
      x.el.hidden = !show;
      if (show) tn++;
    });
    tlEmpty.hidden = tn > 0;
    $("count").textContent = "showing " + shown + " of " + total + " endorsements in " + vosShown + " of " + sections.length + " VOs; " + rn + " revoked";
    var p = new URLSearchParams();
    if (vo) p.set("vo", vo);
    if (search.value) p.set("q", search.value);
    var hash = p.toString();
    try { history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search); } catch (e) { /* some file:// setups refuse */ }
  }
  voSelect.addEventListener("change", apply);
  search.addEventListener("input", apply);
  apply();
  document.body.dataset.ready = "true";
})();
`;
