# EGI AlmaLinux 9: a minimal installation from the net-install (boot) ISO by kickstart, with EPEL,
# cloud-init and openssh-clients, every package upgraded, firewalld letting in ssh only, configured
# and cleaned per the image endorsement procedure.
# Run by `vmendorse build egi.almalinux.9` on a runner with packer and KVM (docs/building.md), which
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
  type    = string
  default = "https://repo.almalinux.org/almalinux/9/isos/x86_64/AlmaLinux-9-latest-x86_64-boot.iso"
}

variable "iso_checksum" {
  type    = string
  default = "file:https://repo.almalinux.org/almalinux/9/isos/x86_64/CHECKSUM"
}

variable "mirror" {
  type        = string
  description = "AlmaLinux repository the installation and its updates come from."
  default     = "https://repo.almalinux.org/almalinux/9"
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

source "qemu" "almalinux" {
  iso_url          = var.iso_url
  iso_checksum     = var.iso_checksum
  accelerator      = "kvm"
  cpu_model        = "host"
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

  http_content = {
    "/ks.cfg" = templatefile("${path.root}/http/ks.cfg.pkrtpl", { build_password = local.build_password, mirror = var.mirror })
  }
  boot_wait = "5s"
  boot_command = [
    "<up><tab> inst.text inst.ks=http://{{ .HTTPIP }}:{{ .HTTPPort }}/ks.cfg console=ttyS0,115200n8<enter><wait>"
  ]

  ssh_username           = "packer"
  ssh_password           = local.build_password
  ssh_timeout            = "60m"
  ssh_handshake_attempts = 200
  shutdown_command       = "sudo sh -c 'userdel --force --remove packer; rm -f /etc/sudoers.d/90-packer; shutdown -P now'"
}

build {
  name    = "egi-almalinux-9"
  sources = ["source.qemu.almalinux"]

  provisioner "file" {
    source      = "${path.root}/files/90-vmendorse.cfg"
    destination = "/tmp/90-vmendorse.cfg"
  }

  provisioner "shell" {
    execute_command = "sudo env {{ .Vars }} sh -eu '{{ .Path }}'"
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
