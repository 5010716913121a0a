// SPDX-License-Identifier: BSD-2-Clause
// Helper threads of the VM suite: a worker that touches memory, a prober, a watchdog; fault loop.

// The root thread must never fault: it has no fault handler (fault_ep 0, §12.4), so a fault would
// stop it silently and the suite with it. Every access to memory whose mapping is under test is
// therefore made by a helper thread configured with a fault endpoint (§10.2): the worker (root
// VSpace) or the prober (any VSpace into which the root task's image has been mapped). The root
// thread receives their faults as VMFault messages (§10.3) on the endpoint and either replies,
// which restarts the faulting instruction (§10.4), or suspends the thread.
//
// Waiting without a timer: the watchdog thread runs at priority 1, below everything else. It can
// only run when the root thread and the helpers are all blocked; since the root thread blocks only
// in vt_run_*() waiting for a helper, that means the helper will never report (for instance
// because the kernel lost its fault), and the watchdog's message tells vt_run_*() to give up.

#include "vmtest.h"

#include <string.h>

#define STACK_SIZE    16384
#define PRIO_HELPER   254
#define PRIO_WATCHDOG 1
#define MAX_REPLIES   8

struct vt_cmd vt_worker_cmd, vt_prober_cmd;

static uint8_t worker_stack[STACK_SIZE] __attribute__((aligned(16)));
static uint8_t prober_stack[STACK_SIZE] __attribute__((aligned(16)));
static uint8_t watchdog_stack[4096] __attribute__((aligned(16)));

seL4_Word vt_read64(seL4_Word addr);
void vt_write64(seL4_Word addr, seL4_Word value);
uint32_t vt_read32(seL4_Word addr);

typedef seL4_Word (*vt_fn)(seL4_Word);

seL4_Word vt_mix(seL4_Word x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdUL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53UL;
    x ^= x >> 33;
    return x;
}

// --- Code run by the helper threads (no TLS, no IPC buffer, no stdio) ----------------------------

static void execute(struct vt_cmd *c)
{
    switch (c->op) {
    case VT_OP_NOP:
        break;
    case VT_OP_READ64:
        c->result = vt_read64(c->addr);
        break;
    case VT_OP_WRITE64:
        vt_write64(c->addr, c->value);
        break;
    case VT_OP_READ32:
        c->result = vt_read32(c->addr);
        break;
    case VT_OP_EXEC:
        c->result = ((vt_fn)c->addr)(c->value);
        break;
    case VT_OP_WRITE_LIST:
        for (unsigned i = c->progress; i < c->count; i++) {
            vt_write64(c->list[i].addr, c->list[i].value);
            c->progress = i + 1;
        }
        break;
    case VT_OP_CHECK_LIST:
        for (unsigned i = c->progress; i < c->count; i++) {
            seL4_Word got = vt_read64(c->list[i].addr);
            if (got != c->list[i].value) {
                if (c->result++ == 0) {
                    c->bad_addr = c->list[i].addr;
                    c->bad_got = got;
                    c->bad_want = c->list[i].value;
                }
            }
            c->progress = i + 1;
        }
        break;
    }
}

static _Noreturn void helper_entry(struct vt_cmd *c)
{
    execute(c);
    const seL4_Word mr[4] = {0, 0, 0, 0};
    for (;;) {
        keel_send(c->done_ep, seL4_MessageInfo_new(VT_MSG_DONE, 0, 0, 0), mr);
    }
}

static _Noreturn void watchdog_entry(seL4_CPtr ep)
{
    const seL4_Word mr[4] = {0, 0, 0, 0};
    for (;;) {
        keel_send(ep, seL4_MessageInfo_new(VT_MSG_WATCHDOG, 0, 0, 0), mr);
    }
}

// --- Set-up --------------------------------------------------------------------------------------

static seL4_CPtr mint_badged(seL4_Word badge)
{
    seL4_CPtr s = vt_slot();
    if (!s || !vt_ok(__LINE__, "CNode_Mint of a badged endpoint cap",
                     keel_cnode_mint(VT_ROOT_CNODE, s, VT_DEPTH, VT_ROOT_CNODE, vt.ep, VT_DEPTH,
                                     KEEL_RIGHTS_ALL, badge))) {
        return 0;
    }
    return s;
}

static bool start(seL4_CPtr tcb, void *entry, void *stack_top, seL4_Word arg)
{
    seL4_UserContext regs;
    memset(&regs, 0, sizeof(regs));
    regs.pc = (seL4_Word)entry;
    regs.sp = (seL4_Word)stack_top;
    regs.x0 = arg;
    // pc, sp, spsr, x0: the first four registers of §9's order.
    return vt_ok(__LINE__, "TCB_WriteRegisters(resume)",
                 keel_tcb_write_registers(tcb, 1, 0, 4, &regs));
}

static seL4_CPtr new_thread(seL4_CPtr fault_ep, seL4_Word prio, const char *name)
{
    seL4_CPtr tcb = vt_new(seL4_TCBObject, 0);
    if (!tcb) {
        return 0;
    }
    if (!vt_ok(__LINE__, "TCB_Configure",
               keel_tcb_configure(tcb, fault_ep, VT_ROOT_CNODE, 0, VT_ROOT_VS, 0, 0,
                                  seL4_CapInitThreadIPCBuffer)) ||
        !vt_ok(__LINE__, "TCB_SetPriority",
               keel_tcb_set_priority(tcb, seL4_CapInitThreadTCB, prio))) {
        return 0;
    }
    keel_debug_name_thread(tcb, name);
    return tcb;
}

void vt_threads_init(void)
{
    vt.threads_ok = false;
    vt.ep = vt_new(seL4_EndpointObject, 0);
    if (!vt.ep) {
        return;
    }
    vt.ep_worker = mint_badged(VT_BADGE_WORKER);
    vt.ep_prober = mint_badged(VT_BADGE_PROBER);
    vt.ep_watchdog = mint_badged(VT_BADGE_WATCHDOG);
    if (!vt.ep_worker || !vt.ep_prober || !vt.ep_watchdog) {
        return;
    }
    vt.worker = new_thread(vt.ep_worker, PRIO_HELPER, "vt-worker");
    vt.prober = new_thread(vt.ep_prober, PRIO_HELPER, "vt-prober");
    vt.watchdog = new_thread(0, PRIO_WATCHDOG, "vt-watchdog");
    if (!vt.worker || !vt.prober || !vt.watchdog) {
        return;
    }
    vt_worker_cmd.done_ep = vt.ep_worker;
    vt_prober_cmd.done_ep = vt.ep_prober;
    if (!start(vt.watchdog, (void *)watchdog_entry, watchdog_stack + sizeof(watchdog_stack),
               vt.ep_watchdog)) {
        return;
    }
    vt.threads_ok = true;
}

// --- Running a command ---------------------------------------------------------------------------

static struct vt_run run_thread(seL4_CPtr tcb, struct vt_cmd *cmd, void *stack_top,
                                seL4_Word badge_want, vt_fault_cb cb, void *ctx)
{
    struct vt_run r;
    memset(&r, 0, sizeof(r));
    if (!vt.threads_ok) {
        CHECK(false, "helper threads are not available (set-up failed)");
        return r;
    }
    cmd->progress = 0;
    cmd->result = 0;
    if (!start(tcb, (void *)helper_entry, stack_top, (seL4_Word)cmd)) {
        return r;
    }
    for (;;) {
        seL4_Word mr[4] = {0, 0, 0, 0}, badge = 0;
        seL4_MessageInfo_t info = keel_recv(vt.ep, mr, &badge);
        seL4_Word label = seL4_MessageInfo_get_label(info);
        if (badge == VT_BADGE_WATCHDOG && label == VT_MSG_WATCHDOG) {
            r.stuck = true;
            break;
        }
        if (badge != badge_want) {
            r.unexpected = true;
            CHECK(false, "message with badge %lu label 0x%lx while waiting for badge %lu", badge,
                  label, badge_want);
            break;
        }
        if (label == VT_MSG_DONE) {
            r.done = true;
            break;
        }
        struct vt_fault f = {label, seL4_MessageInfo_get_length(info), mr[0], mr[1], mr[2], mr[3]};
        if (r.faults++ == 0) {
            r.first = f;
        }
        r.last = f;
        if (label == VT_FAULT_VM && r.faults <= MAX_REPLIES && cb && cb(&f, ctx)) {
            const seL4_Word none[4] = {0, 0, 0, 0};
            keel_reply(seL4_MessageInfo_new(0, 0, 0, 0), none);
            continue;
        }
        break;
    }
    keel_tcb_suspend(tcb);
    return r;
}

struct vt_run vt_run_worker(vt_fault_cb cb, void *ctx)
{
    return run_thread(vt.worker, &vt_worker_cmd, worker_stack + STACK_SIZE, VT_BADGE_WORKER, cb,
                      ctx);
}

struct vt_run vt_run_prober(seL4_CPtr vspace, vt_fault_cb cb, void *ctx)
{
    struct vt_run r;
    memset(&r, 0, sizeof(r));
    if (!vt_ok(__LINE__, "TCB_SetSpace(prober)",
               keel_tcb_set_space(vt.prober, vt.ep_prober, VT_ROOT_CNODE, 0, vspace, 0))) {
        return r;
    }
    r = run_thread(vt.prober, &vt_prober_cmd, prober_stack + STACK_SIZE, VT_BADGE_PROBER, cb, ctx);
    // Drop the prober's copy of the VSpace cap: a test may want to delete the VSpace's last cap.
    vt_ok(__LINE__, "TCB_SetSpace(prober back to the root VSpace)",
          keel_tcb_set_space(vt.prober, vt.ep_prober, VT_ROOT_CNODE, 0, VT_ROOT_VS, 0));
    return r;
}

seL4_Word vt_worker_read64(seL4_Word addr, struct vt_run *run)
{
    vt_worker_cmd.op = VT_OP_READ64;
    vt_worker_cmd.addr = addr;
    *run = vt_run_worker(NULL, NULL);
    return vt_worker_cmd.result;
}

void vt_worker_write64(seL4_Word addr, seL4_Word value, struct vt_run *run)
{
    vt_worker_cmd.op = VT_OP_WRITE64;
    vt_worker_cmd.addr = addr;
    vt_worker_cmd.value = value;
    *run = vt_run_worker(NULL, NULL);
}

static void describe_run(int line, const struct vt_run *r, const char *what)
{
    if (r->stuck) {
        vt_check(false, line,
                 "%s: the helper thread never reported (watchdog: nothing runnable; "
                 "%u fault(s) seen)",
                 what, r->faults);
    } else if (r->faults) {
        vt_check(false, line,
                 "%s: fault label %lu length %lu ip 0x%lx addr 0x%lx prefetch %lu fsr 0x%lx (%u "
                 "fault(s), completed: %s)",
                 what, r->first.label, r->first.length, r->first.ip, r->first.addr,
                 r->first.prefetch, r->first.fsr, r->faults, r->done ? "yes" : "no");
    } else if (!r->done) {
        vt_check(false, line, "%s: the helper thread did not complete", what);
    }
}

bool vt_expect_clean(int line, const struct vt_run *r)
{
    if (r->done && !r->faults && !r->stuck && !r->unexpected) {
        return true;
    }
    describe_run(line, r, "expected an access without fault");
    return false;
}

bool vt_expect_vmfault(int line, const struct vt_run *r, seL4_Word ip, seL4_Word addr,
                       seL4_Word prefetch, seL4_Word ec, seL4_Word fsc, int wnr, bool completed)
{
    if (r->stuck || r->unexpected || r->faults == 0) {
        describe_run(line, r, "expected one VMFault");
        return vt_check(false, line, "expected a VMFault at 0x%lx, none was delivered", addr);
    }
    const struct vt_fault *f = &r->first;
    bool ok =
        vt_check(f->label == VT_FAULT_VM, line, "fault label %lu, expected 5 (VMFault)", f->label);
    ok = vt_check(f->length == 4, line, "VMFault length %lu, expected 4", f->length) && ok;
    ok = vt_check(f->ip == ip, line, "VMFault IP 0x%lx, expected 0x%lx", f->ip, ip) && ok;
    ok = vt_check(f->addr == addr, line, "VMFault address 0x%lx, expected 0x%lx", f->addr, addr) &&
         ok;
    ok = vt_check(f->prefetch == prefetch, line, "VMFault PrefetchFault %lu, expected %lu",
                  f->prefetch, prefetch) &&
         ok;
    ok = vt_check(VT_ESR_EC(f->fsr) == ec, line, "VMFault FSR 0x%lx: EC 0x%lx, expected 0x%lx",
                  f->fsr, VT_ESR_EC(f->fsr), ec) &&
         ok;
    ok = vt_check(VT_ESR_FSC(f->fsr) == fsc, line,
                  "VMFault FSR 0x%lx: fault status 0x%lx, expected 0x%lx", f->fsr,
                  VT_ESR_FSC(f->fsr), fsc) &&
         ok;
    if (wnr >= 0) {
        ok = vt_check(VT_ESR_WNR(f->fsr) == (seL4_Word)wnr, line,
                      "VMFault FSR 0x%lx: WnR %lu, expected %d", f->fsr, VT_ESR_WNR(f->fsr), wnr) &&
             ok;
    }
    ok =
        vt_check(f->fsr >> 32 == 0, line,
                 "VMFault FSR 0x%lx has bits above 31 (only ESR's low 32 bits are sent)", f->fsr) &&
        ok;
    if (completed) {
        ok = vt_check(r->done && r->faults == 1, line,
                      "after the handler's reply the thread should complete with no further fault "
                      "(completed: %s, faults: %u, last fault addr 0x%lx fsr 0x%lx)",
                      r->done ? "yes" : "no", r->faults, r->last.addr, r->last.fsr) &&
             ok;
    } else {
        ok = vt_check(r->faults == 1, line, "%u faults, expected 1", r->faults) && ok;
    }
    return ok;
}

bool vt_expect_read_fault(int line, seL4_Word addr, seL4_Word fsc)
{
    struct vt_run r;
    vt_worker_read64(addr, &r);
    return vt_expect_vmfault(line, &r, (seL4_Word)vt_read64_insn, addr, 0, VT_EC_DABT_LOWER, fsc, 0,
                             false);
}

bool vt_expect_write_fault(int line, seL4_Word addr, seL4_Word fsc)
{
    struct vt_run r;
    vt_worker_write64(addr, 0x5A5A5A5A5A5A5A5AUL, &r);
    return vt_expect_vmfault(line, &r, (seL4_Word)vt_write64_insn, addr, 0, VT_EC_DABT_LOWER, fsc,
                             1, false);
}

bool vt_expect_read(int line, seL4_Word addr, seL4_Word want)
{
    struct vt_run r;
    seL4_Word got = vt_worker_read64(addr, &r);
    if (!vt_expect_clean(line, &r)) {
        return false;
    }
    return vt_check(got == want, line, "read of 0x%lx: got 0x%lx, expected 0x%lx", addr, got, want);
}

bool vt_expect_write(int line, seL4_Word addr, seL4_Word value)
{
    struct vt_run r;
    vt_worker_write64(addr, value, &r);
    return vt_expect_clean(line, &r);
}
