// SPDX-License-Identifier: MIT
// syn_table_test.cc: unit tests of OutstandingProbes (syn_table): FIFO order, lookups, growth
// with push numbers kept, duplicate plan indices, indices alike in their low 32 bits (the
// index hashes those), and a randomized run against a plain model
// (std::deque + std::unordered_map), all under ASan/UBSan with the packet tests.
#include <deque>
#include <random>
#include <unordered_map>

#include "pkt_test_util.h"
#include "syn_table.h"

namespace portscan {
namespace test {
namespace {

OutstandingProbes::Entry E(uint64_t j, uint64_t i, uint64_t sent_us, uint8_t attempt) {
  return OutstandingProbes::Entry{j, i, sent_us, attempt, 0, 4, 2};
}

void TestBasics() {
  g_section = "syn_table basics";
  OutstandingProbes t(1);
  CHECK(t.Empty() && t.Capacity() == 16);
  for (uint64_t k = 0; k < 10; ++k) t.Push(E(k * 7, k, 1000 + k, 0));
  CHECK(t.Size() == 10 && t.HeadNumber() == 0 && t.TailNumber() == 10);
  CHECK(t.Find(21) != nullptr && t.Find(21)->i == 3 && t.Find(21)->sent_us == 1003);
  CHECK(t.Find(22) == nullptr);
  t.Find(0)->answered = 1;
  CHECK(t.LowestPosition(99) == 1);  // answered entries do not hold the mark
  CHECK(t.Front().j == 0);
  t.Pop();
  CHECK(t.Find(0) == nullptr && t.HeadNumber() == 1 && t.Front().j == 7);
}

void TestGrowth() {
  g_section = "syn_table growth";
  OutstandingProbes t(16);
  for (uint64_t k = 0; k < 5; ++k) t.Push(E(k, k, k, 0));
  for (uint64_t k = 0; k < 5; ++k) t.Pop();  // the ring wraps before it grows
  for (uint64_t k = 5; k < 1005; ++k) t.Push(E(k, k, k, 1));
  CHECK(t.Size() == 1000 && t.Capacity() == 1024);
  CHECK(t.HeadNumber() == 5 && t.TailNumber() == 1005);
  bool all = true;
  for (uint64_t k = 5; k < 1005; ++k) all = all && t.Find(k) != nullptr && t.Find(k)->i == k;
  CHECK(all);
  for (uint64_t k = 5; k < 1005; ++k) {
    all = all && t.Front().j == k;
    t.Pop();
  }
  CHECK(all && t.Empty() && t.Find(500) == nullptr);
}

void TestDuplicates() {
  g_section = "syn_table duplicate j";
  OutstandingProbes t(16);
  t.Push(E(42, 1, 10, 0));
  t.Push(E(42, 1, 20, 1));  // a retry while the first try is still in the table
  CHECK(t.Find(42)->attempt == 1);
  for (uint64_t k = 0; k < 40; ++k) t.Push(E(100 + k, 2, 30, 0));  // grows with both in it
  CHECK(t.Find(42)->attempt == 1);
  t.Pop();  // the older one: the index keeps pointing at the newer
  CHECK(t.Find(42) != nullptr && t.Find(42)->sent_us == 20);
  t.Pop();
  CHECK(t.Find(42) == nullptr);
}

// Plan indices that agree in their low 32 bits (hashed alike) stay apart.
void TestHighBits() {
  g_section = "syn_table high bits";
  OutstandingProbes t(16);
  const uint64_t hi = uint64_t{1} << 32;
  for (uint64_t k = 0; k < 40; ++k) t.Push(E(7 + k * hi, k, k, 0));
  bool ok = true;
  for (uint64_t k = 0; k < 40; ++k) ok = ok && t.Find(7 + k * hi) != nullptr && t.Find(7 + k * hi)->i == k;
  CHECK(ok);
  CHECK(t.Find(7 + 40 * hi) == nullptr);
  for (uint64_t k = 0; k < 20; ++k) t.Pop();
  for (uint64_t k = 0; k < 40; ++k) ok = ok && (t.Find(7 + k * hi) != nullptr) == (k >= 20);
  CHECK(ok);
}

// Random pushes and pops against a model; plan indices collide on purpose (a small key space).
void TestAgainstModel() {
  g_section = "syn_table model";
  std::mt19937_64 rng(7);
  OutstandingProbes t(16);
  std::deque<uint64_t> fifo;
  std::unordered_map<uint64_t, uint64_t> newest;  // j -> push number
  uint64_t pushed = 0;
  bool ok = true;
  for (int step = 0; step < 200000 && ok; ++step) {
    const bool push = fifo.empty() || rng() % 100 < (step < 100000 ? 55 : 45);
    if (push) {
      const uint64_t j = (rng() % 50000) | ((rng() % 4) << 32);  // some agree in the low bits
      t.Push(E(j, pushed, pushed, 0));
      fifo.push_back(j);
      newest[j] = pushed++;
    } else {
      const uint64_t j = fifo.front();
      ok = t.Front().j == j;
      fifo.pop_front();
      const uint64_t number = t.HeadNumber();
      t.Pop();
      if (newest[j] == number) newest.erase(j);
    }
    if (step % 997 == 0) {
      for (const auto& [j, number] : newest) {
        const OutstandingProbes::Entry* e = t.Find(j);
        ok = ok && e != nullptr && e->i == number;
      }
      ok = ok && t.Size() == fifo.size();
      ok = ok && t.Find(50001) == nullptr && t.Find(50001 + (uint64_t{9} << 32)) == nullptr;
    }
  }
  CHECK(ok);
  CHECK(t.Capacity() >= 16);
}

}  // namespace

void TestOutstandingProbes() {
  TestBasics();
  TestGrowth();
  TestDuplicates();
  TestHighBits();
  TestAgainstModel();
}

}  // namespace test
}  // namespace portscan
