package networkpolicy

import (
	"encoding/binary"

	"github.com/google/nftables/expr"
	"github.com/google/nftables/xt"
)

// xtQueue is the NFQUEUE xtables target (revision 3, struct xt_NFQ_info_v3: queue number, queues total, flags)
// run through nft_compat: kernels built without nft_queue still have it (iptables uses it). Added to
// kube-network-policies by eda-lab's tools/cluster/build.sh (netpol), which makes both queue rules call it.
func xtQueue(num uint16, bypass bool) expr.Any {
	info := make([]byte, 6)
	binary.NativeEndian.PutUint16(info[0:], num)
	binary.NativeEndian.PutUint16(info[2:], 1)
	if bypass {
		binary.NativeEndian.PutUint16(info[4:], 1)
	}
	u := xt.Unknown(info)
	return &expr.Target{Name: "NFQUEUE", Rev: 3, Info: &u}
}
