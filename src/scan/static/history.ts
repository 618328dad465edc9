// Shell and REPL histories left in home directories (commands typed while preparing the image).
import type { RootFs } from "../rootfs.js";
import type { Outcome, Problem } from "../types.js";
import { homes } from "./homes.js";

const HISTORIES = [".bash_history", ".zsh_history", ".sh_history", ".ash_history", ".history", ".ksh_history", ".histfile", ".local/share/fish/fish_history", ".python_history", ".mysql_history", ".psql_history", ".sqlite_history", ".node_repl_history", ".rediscli_history", ".lesshst", ".viminfo", ".wget-hsts"];

export function checkHistories(fs: RootFs): Outcome {
  const problems: Problem[] = [];
  const hs = homes(fs);
  for (const h of hs) {
    for (const rel of HISTORIES) {
      const p = `${h.dir}/${rel}`;
      const st = fs.stat(p);
      if (st?.isFile() && st.size > 0) problems.push({ subject: p, message: `${p} (${st.size} bytes) is a history file left from preparing the image` });
    }
  }
  return { id: "files.shell-history", problems, evidence: [`looked in ${hs.map((h) => h.dir).join(", ") || "no home directory"}`] };
}
