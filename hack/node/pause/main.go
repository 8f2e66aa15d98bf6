// The pod sandbox's process (what registry.k8s.io/pause does): it holds the pod's namespaces open, sleeps, reaps
// the zombies a shared process namespace leaves to PID 1, and ends on SIGTERM or SIGINT. Built static, it is the
// only file of the from-scratch pause image the local node's containerd uses, since no registry is reachable.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			return
		}
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
