/**
 * Cgroups for the OCI runtime: one interface, {@link dev.vessel.runtime.cgroups.CgroupManager}
 * (runc's {@code cgroups.Manager}), and one backend per cgroup version. Callers get a manager
 * from {@link dev.vessel.runtime.cgroups.CgroupManagers#create} and never ask which version is
 * behind it.
 *
 * <h2>Host layouts</h2>
 * {@link dev.vessel.runtime.cgroups.CgroupLayout} reads {@code /proc/self/mountinfo}:
 * <ul>
 *   <li><b>v2</b> (cgroup2 at /sys/fs/cgroup) → {@code v2.V2Manager}: one directory, controllers
 *       enabled through every ancestor's {@code cgroup.subtree_control}, devices as an eBPF
 *       program ({@code devices.DeviceFilter} compiles, {@code devices.BpfDeviceGate} attaches);
 *   <li><b>v1</b> → {@code v1.V1Manager}: one directory per hierarchy, one class per controller;
 *   <li><b>hybrid</b> (v1 controllers plus a controller-less cgroup2 at /sys/fs/cgroup/unified,
 *       the development machine) → {@code v1.V1Manager}, which also creates and joins the
 *       cgroup in the cgroup2 tree, as runc does.
 * </ul>
 *
 * <h2>Lifecycle (what the runtime calls, in order)</h2>
 * <pre>
 *   create:  m = CgroupManagers.create(spec.linux.cgroupsPath, id)   // nothing on disk yet
 *            rollback.add(m::destroy)                                // before apply
 *            m.apply(pid)          // mkdirs (undone on failure), cpuset init (v1),
 *                                  // subtree_control (v2), join
 *            m.set(resources)      // absent fields untouched; devices: pass the spec's list
 *                                  // (List.of() for runc's deny-all + default allow list)
 *   update:  m.set(resources)      // same code; v1 devices written as a diff, v2 program replaced
 *   pause:   m.freeze() / m.thaw() / m.state()
 *   ps/kill: m.pids()
 *   events:  m.stats(), m.oomKillCount()
 *   delete:  kill the processes, then m.destroy()   // rmdir, EBUSY retried ~1 s, ENOENT is fine
 * </pre>
 *
 * <h2>cgroupsPath</h2>
 * See {@link dev.vessel.runtime.cgroups.CgroupPath}: absolute under each hierarchy's root,
 * relative under the runtime's own cgroup, absent → {@code /vessel/<id>}.
 *
 * <h2>Errors</h2>
 * Every failure is a {@link dev.vessel.runtime.cgroups.CgroupException} (a {@code RuntimeError})
 * whose message names the version and controller, the file, the value, the errno and a hint:
 * {@code cgroup v1 memory: writing 4194304 to memory.limit_in_bytes: Device or resource busy
 * (EBUSY) (the container uses more than that: 21319680 bytes now)}.
 */
package dev.vessel.runtime.cgroups;
