// Boot helpers for disk images under qemu (used by the image build's tests and by the scanner).
export { bootImage, withBootedImage, imageInfo, type BootOptions, type BootedVm } from "./boot.js";
export { startQemu, qemuArgs, qmpCommand, type QemuOptions, type RunningVm, type VmNetwork, type HostForward } from "./qemu.js";
export { makeKeyPair, sshRun, sshOk, scpTo, waitForSsh, sshArgs, type SshTarget, type KeyPair } from "./ssh.js";
export { cloudConfigUserData, nocloudMetaData, makeSeedIso, type SeedFiles } from "./seed.js";
export { kvmUsable, chooseAccel, freeLocalPort, type Accel, type AccelChoice } from "./host.js";
export { runTool, runOk, onInterrupt, killRunningTools, ToolError, toolVersionLine, hasCommand, showCommand, type RunResult, type RunOptions } from "./process.js";
