#include "kiosk/face/embedder.h"

#include <cmath>
#include <limits>

namespace uk::face {

double euclidean_distance(const Embedding& a, const Embedding& b) {
    if (a.size() != b.size() || a.empty()) return std::numeric_limits<double>::infinity();
    double s = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double d = static_cast<double>(a.values()[i]) - b.values()[i];
        s += d * d;
    }
    return std::sqrt(s);
}

double cosine_distance(const Embedding& a, const Embedding& b) {
    if (a.size() != b.size() || a.empty()) return std::numeric_limits<double>::infinity();
    double dot = 0.0, na = 0.0, nb = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double x = a.values()[i], y = b.values()[i];
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if (na <= 0.0 || nb <= 0.0) return std::numeric_limits<double>::infinity();
    return 1.0 - dot / std::sqrt(na * nb);
}

}  // namespace uk::face
