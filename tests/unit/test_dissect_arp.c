/*
 * test_dissect_arp.c — unit tests for dissect_arp_read (pcap/dissect-arp.c):
 * the sender and target of an ARP packet over Ethernet, a VLAN tag and
 * Linux cooked captures, and every truncation of it refused without a
 * read past the captured length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "dissect.h"
#include "unit.h"

/* An ARP request from 10.0.0.1 (02:00:00:00:00:01) for 10.0.0.2, over Ethernet: 42 bytes. */
static const uint8_t arp_eth[42] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06,
	0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 10, 0, 0, 1,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 10, 0, 0, 2,
};

/* Copies n bytes of a frame into a buffer of exactly n bytes (ASan sees a read past it). */
static uint8_t *
exact(const uint8_t *src, size_t n)
{
	uint8_t *b = malloc(n ? n : 1);
	memcpy(b, src, n);
	return b;
}

UNIT_TEST(arp_ethernet_request)
{
	struct dissect_arp a;
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x01 }, s[4] = { 10, 0, 0, 1 }, t[4] = { 10, 0, 0, 2 };

	CHECK_INT(dissect_arp_read(DLT_EN10MB, arp_eth, sizeof arp_eth, &a), 0);
	CHECK_INT(a.op, 1);
	CHECK_INT(a.htype, 1);
	CHECK_INT(a.hlen, 6);
	CHECK_MEM(a.spa, 4, s, 4);
	CHECK_MEM(a.tpa, 4, t, 4);
	CHECK_MEM(a.sha, 6, mac, 6);
}

/* Every length short of the whole ARP header is refused, and nothing past it is read. */
UNIT_TEST(arp_truncated_refused)
{
	struct dissect_arp a;

	for (size_t n = 0; n < sizeof arp_eth; n++) {
		uint8_t *b = exact(arp_eth, n);
		memset(&a, 0xaa, sizeof a);
		if (dissect_arp_read(DLT_EN10MB, b, (uint32_t)n, &a) != -1) {
			fprintf(stderr, "a frame cut at %zu bytes was read\n", n);
			CHECK(0);
		}
		CHECK_INT(a.spa[0], 0);		/* zeroed, not left half-filled */
		free(b);
	}
	CHECK_INT(dissect_arp_read(DLT_EN10MB, NULL, 42, &a), -1);
}

/* A trailer (Ethernet padding) past the ARP header does not matter. */
UNIT_TEST(arp_padded)
{
	uint8_t b[60] = { 0 };
	struct dissect_arp a;

	memcpy(b, arp_eth, sizeof arp_eth);
	CHECK_INT(dissect_arp_read(DLT_EN10MB, b, sizeof b, &a), 0);
	CHECK_INT(a.spa[3], 1);
}

/* Not ARP, ARP for another protocol, or another protocol address length: -1. */
UNIT_TEST(arp_not_ipv4_arp)
{
	uint8_t b[42];
	struct dissect_arp a;

	memcpy(b, arp_eth, sizeof b);
	b[13] = 0x00;		/* ethertype IPv4 */
	CHECK_INT(dissect_arp_read(DLT_EN10MB, b, sizeof b, &a), -1);
	memcpy(b, arp_eth, sizeof b);
	b[16] = 0x86;		/* protocol type IPv6 */
	b[17] = 0xdd;
	CHECK_INT(dissect_arp_read(DLT_EN10MB, b, sizeof b, &a), -1);
	memcpy(b, arp_eth, sizeof b);
	b[19] = 16;		/* protocol addresses of 16 bytes */
	CHECK_INT(dissect_arp_read(DLT_EN10MB, b, sizeof b, &a), -1);
	CHECK_INT(dissect_arp_read(DLT_RAW, arp_eth + 14, 28, &a), -1);	/* a link type without ethertype */
}

/* The sender's address sits after hlen bytes of hardware address, whatever hlen is. */
UNIT_TEST(arp_other_hlen)
{
	uint8_t b[14 + 8 + 2 * 8 + 8];
	struct dissect_arp a;

	memset(b, 0, sizeof b);
	memcpy(b, arp_eth, 14);
	b[14] = 0x00; b[15] = 0x06;	/* IEEE 802 */
	b[16] = 0x08; b[17] = 0x00;
	b[18] = 8; b[19] = 4;
	b[21] = 2;			/* reply */
	memcpy(b + 22 + 8, (const uint8_t[]){ 192, 168, 1, 7 }, 4);
	memcpy(b + 22 + 8 + 4 + 8, (const uint8_t[]){ 192, 168, 1, 9 }, 4);
	CHECK_INT(dissect_arp_read(DLT_EN10MB, b, sizeof b, &a), 0);
	CHECK_INT(a.op, 2);
	CHECK_INT(a.hlen, 8);
	CHECK_INT(a.spa[3], 7);
	CHECK_INT(a.tpa[3], 9);
	CHECK_INT(dissect_arp_read(DLT_EN10MB, b, sizeof b - 1, &a), -1);
}

/* Behind an 802.1Q tag, and in Linux cooked v1 and v2 captures. */
UNIT_TEST(arp_vlan_and_cooked)
{
	uint8_t v[46], s1[16 + 28], s2[20 + 28];
	struct dissect_arp a;

	memcpy(v, arp_eth, 12);
	v[12] = 0x81; v[13] = 0x00; v[14] = 0x00; v[15] = 0x05;	/* VLAN 5 */
	memcpy(v + 16, arp_eth + 12, 30);
	CHECK_INT(dissect_arp_read(DLT_EN10MB, v, sizeof v, &a), 0);
	CHECK_INT(a.spa[3], 1);
	CHECK_INT(dissect_arp_read(DLT_EN10MB, v, 15, &a), -1);	/* the tag cut */

	memset(s1, 0, sizeof s1);
	s1[14] = 0x08; s1[15] = 0x06;
	memcpy(s1 + 16, arp_eth + 14, 28);
	CHECK_INT(dissect_arp_read(DLT_LINUX_SLL, s1, sizeof s1, &a), 0);
	CHECK_INT(a.tpa[3], 2);
	CHECK_INT(dissect_arp_read(DLT_LINUX_SLL, s1, sizeof s1 - 1, &a), -1);

	memset(s2, 0, sizeof s2);
	s2[0] = 0x08; s2[1] = 0x06;
	memcpy(s2 + 20, arp_eth + 14, 28);
	CHECK_INT(dissect_arp_read(DLT_LINUX_SLL2, s2, sizeof s2, &a), 0);
	CHECK_INT(a.spa[0], 10);
	CHECK_INT(dissect_arp_read(DLT_LINUX_SLL2, s2, 19, &a), -1);
}

int
main(void)
{
	UNIT_RUN(arp_ethernet_request);
	UNIT_RUN(arp_truncated_refused);
	UNIT_RUN(arp_padded);
	UNIT_RUN(arp_not_ipv4_arp);
	UNIT_RUN(arp_other_hlen);
	UNIT_RUN(arp_vlan_and_cooked);
	return UNIT_END();
}
