# EGI Ubuntu 24.04 LTS: a minimal server installed from the live-server ISO by autoinstall, every package
# upgraded, cloud-init and curl added, configured and cleaned per the image endorsement procedure.
# Run by `vmendorse build egi.ubuntu.24.04` on a runner with packer and KVM (docs/building.md), which
# sets output_directory and version and packages disk.qcow2 and packages.tsv from the output directory.

packer {
  required_version = ">= 1.10.0"
  required_plugins {
    qemu = {
      source  = "github.com/hashicorp/qemu"
      version = ">= 1.1.0"
    }
  }
}

variable "output_directory" {
  type        = string
  description = "Set by vmendorse: where the build leaves disk.qcow2 and packages.tsv."
}

variable "version" {
  type        = string
  description = "Set by vmendorse: the appliance version (the build date)."
}

variable "iso_url" {
  type        = string
  description = "Ubuntu 24.04 live-server ISO; move to the newest point release when it is out."
  default     = "https://releases.ubuntu.com/24.04/ubuntu-24.04.3-live-server-amd64.iso"
}

variable "iso_checksum" {
  type    = string
  default = "file:https://releases.ubuntu.com/24.04/SHA256SUMS"
}

variable "disk_size" {
  type    = string
  default = "8G"
}

variable "cpus" {
  type    = number
  default = 2
}

variable "memory" {
  type    = number
  default = 2048
}

locals {
  # Password of the build-time account only: random per build, never stored, and the account is
  # deleted by the shutdown command.
  build_password = uuidv4()
}

source "qemu" "ubuntu" {
  iso_url          = var.iso_url
  iso_checksum     = var.iso_checksum
  accelerator      = "kvm"
  cpus             = var.cpus
  memory           = var.memory
  disk_size        = var.disk_size
  disk_interface   = "virtio"
  net_device       = "virtio-net"
  format           = "qcow2"
  disk_compression = false
  headless         = true
  output_directory = var.output_directory
  vm_name          = "disk.qcow2"

  # NoCloud seed served over packer's HTTP server: the autoinstall answers.
  http_content = {
    "/meta-data" = ""
    "/user-data" = templatefile("${path.root}/http/user-data.pkrtpl", { build_password = local.build_password })
  }
  boot_wait = "5s"
  boot_command = [
    "c<wait>",
    "linux /casper/vmlinuz --- autoinstall ds=\"nocloud;s=http://{{ .HTTPIP }}:{{ .HTTPPort }}/\"<enter><wait>",
    "initrd /casper/initrd<enter><wait>",
    "boot<enter>"
  ]

  ssh_username           = "packer"
  ssh_password           = local.build_password
  ssh_timeout            = "60m"
  ssh_handshake_attempts = 200
  shutdown_command       = "sudo sh -c 'userdel --force --remove packer; shutdown -P now'"
}

build {
  name    = "egi-ubuntu-24-04"
  sources = ["source.qemu.ubuntu"]

  provisioner "file" {
    source      = "${path.root}/files/90-vmendorse.cfg"
    destination = "/tmp/90-vmendorse.cfg"
  }

  provisioner "shell" {
    execute_command  = "sudo env {{ .Vars }} sh -eu '{{ .Path }}'"
    environment_vars = ["DEBIAN_FRONTEND=noninteractive"]
    scripts = [
      "${path.root}/scripts/upgrade.sh",
      "${path.root}/scripts/configure.sh",
      "${path.root}/scripts/packages.sh"
    ]
  }

  # The full package list with exact versions, taken after the upgrade (vmendorse makes the SBOM from it).
  provisioner "file" {
    direction   = "download"
    source      = "/tmp/packages.tsv"
    destination = "${var.output_directory}/packages.tsv"
  }

  provisioner "shell" {
    execute_command = "sudo env {{ .Vars }} sh -eu '{{ .Path }}'"
    scripts         = ["${path.root}/scripts/cleanup.sh"]
  }
}
