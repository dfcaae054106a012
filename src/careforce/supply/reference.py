"""The slow, obviously correct supply projection: plain loops over runs, years, cells and ages.

The test oracle (STYLE: a reference implementation beside the fast engine): each step of the
plan is written out for one cell at a time, straight from docs/design/supply.md, with no
broadcasting, fused passes or sparse storage. Only for small inputs; no process noise.
"""

from __future__ import annotations

import itertools

import numpy as np

from careforce.supply.model import RunParameters, SupplyModel
from careforce.supply.projection import AGE_BANDS, FLOWS, Projection, age_band_of

FLOW = {name: i for i, name in enumerate(FLOWS)}


def project_reference(model: SupplyModel, params: RunParameters, years: int) -> Projection:
    """The same results as `careforce.supply.engine.project`, computed the long way."""
    found = _reference_arrays(model, params, years)
    role, area, sector = model.cells
    return Projection(
        roles=model.roles,
        areas=model.areas,
        sectors=model.sectors,
        programmes=model.programmes,
        runs=params.runs.copy(),
        cell_role=role,
        cell_area=area,
        cell_sector=sector,
        headcount_by_cell=found["headcount"][:, :, role, area, sector],
        fte_by_cell=found["fte"][:, :, role, area, sector],
        headcount_by_age_band=found["bands"],
        flows=found["flows"],
        students=found["students"],
        intake=found["intake"],
        completers=found["completers"],
        backend="reference",
    )


def reference_headcount(model: SupplyModel, params: RunParameters, years: int) -> np.ndarray:
    """Headcount `[r, y, g, l, c]` of every cell, staffed or not: the engine keeps the staffed
    cells only, and this is how tests check that no other cell ever fills."""
    return _reference_arrays(model, params, years)["headcount"]


def _reference_arrays(
    model: SupplyModel, params: RunParameters, years: int
) -> dict[str, np.ndarray]:
    params.check(model)
    roles, areas, sectors, ages = model.headcount.shape
    programmes, courses = model.attrition_rate.shape
    runs = len(params)
    headcount = np.zeros((runs, years + 1, roles, areas, sectors))
    fte = np.zeros((runs, years + 1, roles, areas, sectors))
    bands = np.zeros((runs, years + 1, roles, len(AGE_BANDS)))
    flows = np.zeros((runs, years + 1, roles, len(FLOWS)))
    students_out = np.zeros((runs, years + 1, programmes))
    intake_out = np.zeros((runs, years + 1, programmes))
    completers_out = np.zeros((runs, years + 1, programmes))
    band_of = age_band_of(model.ages)
    cells = list(itertools.product(range(roles), range(areas), range(sectors)))

    for r in range(runs):
        S = model.headcount.copy()
        F = model.fte.copy()
        students = model.students.copy()

        def record(
            r: int, y: int, S: np.ndarray, F: np.ndarray, students: np.ndarray, part: np.ndarray
        ) -> None:
            for g, l, c in cells:
                for a in range(ages):
                    headcount[r, y, g, l, c] += S[g, l, c, a]
                    fte[r, y, g, l, c] += F[g, l, c, a] * part[g]
                    bands[r, y, g, band_of[a]] += S[g, l, c, a]
            for p in range(programmes):
                students_out[r, y, p] = sum(students[p, k] for k in range(courses))

        record(r, 0, S, F, students, np.ones(roles))
        for t in range(years):
            flow = flows[r, t + 1]
            start = {(g, l, c): sum(S[g, l, c, a] for a in range(ages)) for g, l, c in cells}

            # 1-2. Leavers; retirees among them, some of whom return to the same cell.
            for (g, l, c), a in itertools.product(cells, range(ages)):
                rate = model.leaver_rate[g, c, a] * params.leaver_multiplier[r, g]
                probability = min(1.0, rate * model.retention[t, g, c])
                leavers = S[g, l, c, a] * probability
                retirees = leavers * model.retire_share[g, c, a]
                returners = retirees * model.return_rate[g]
                S[g, l, c, a] += returners - leavers
                F[g, l, c, a] += (
                    returners * model.return_fte_per_head[g] - F[g, l, c, a] * probability
                )
                flow[g, FLOW["leavers"]] += leavers
                flow[g, FLOW["retirements"]] += retirees
                flow[g, FLOW["returners"]] += returners

            # 3. Moves between roles, from the stock as it stands after step 2.
            S_moved, F_moved = S.copy(), F.copy()
            for (g, l, c), a, h in itertools.product(cells, range(ages), range(roles)):
                people = S[g, l, c, a] * model.move_rate[g, h]
                their_fte = F[g, l, c, a] * model.move_rate[g, h]
                S_moved[g, l, c, a] -= people
                S_moved[h, l, c, a] += people
                F_moved[g, l, c, a] -= their_fte
                F_moved[h, l, c, a] += their_fte
                flow[g, FLOW["moves_out"]] += people
                flow[h, FLOW["moves_in"]] += people
            S, F = S_moved, F_moved

            # 4. Ageing: the last age leaves, as retirements.
            for g, l, c in cells:
                flow[g, FLOW["leavers"]] += S[g, l, c, ages - 1]
                flow[g, FLOW["retirements"]] += S[g, l, c, ages - 1]
                for a in range(ages - 1, 0, -1):
                    S[g, l, c, a] = S[g, l, c, a - 1]
                    F[g, l, c, a] = F[g, l, c, a - 1]
                S[g, l, c, 0] = 0.0
                F[g, l, c, 0] = 0.0

            # 5. Training pipeline. Apprenticeship routes first take their students from their
            # source role's stock, at most all of it, pro rata over its cells and ages.
            wanted = [
                min(
                    model.commissioned_places[t, p] * params.fill_rate[r, p],
                    model.placement_capacity[t, p],
                )
                for p in range(programmes)
            ]
            granted = {}
            for s in sorted({int(v) for v in model.programme_source_role if v >= 0}):
                drawing = [p for p in range(programmes) if model.programme_source_role[p] == s]
                demand = sum(wanted[p] for p in drawing)
                available = sum(S[s, l, c, a] for (g, l, c) in cells if g == s for a in range(ages))
                taken = min(demand, available)
                granted[s] = taken / demand if demand > 0 else 0.0
                fraction = taken / available if available > 0 else 0.0
                for l, c, a in itertools.product(range(areas), range(sectors), range(ages)):
                    people = S[s, l, c, a] * fraction
                    S[s, l, c, a] -= people
                    F[s, l, c, a] -= F[s, l, c, a] * fraction
                    flow[s, FLOW["into_training"]] += people
            for p in range(programmes):
                source = int(model.programme_source_role[p])
                starting = wanted[p] * granted[source] if source >= 0 else wanted[p]
                length = int(model.course_length_years[p])
                next_year = np.zeros(courses)
                completers = 0.0
                for k in range(length):
                    cohort = students[p, k] + (starting if k == 0 else 0.0)
                    surviving = cohort * (1.0 - model.attrition_rate[p, k])
                    if k == length - 1:
                        completers = surviving
                    else:
                        next_year[k + 1] = surviving
                students[p] = next_year
                intake_out[r, t + 1, p] = starting
                completers_out[r, t + 1, p] = completers
                g = int(model.programme_role[p])
                for l, c, a in itertools.product(range(areas), range(sectors), range(ages)):
                    arrivals = (
                        completers
                        * model.local_share[p]
                        * model.programme_spread[p, l, c]
                        * model.start_age_share[p, a]
                    )
                    S[g, l, c, a] += arrivals
                    F[g, l, c, a] += arrivals * model.joiner_fte_per_head[g]
                    flow[g, FLOW["pipeline_joiners"]] += arrivals

            # 6. Other joiners (a rate of the stock at the start of the year) and international.
            for (g, l, c), a in itertools.product(cells, range(ages)):
                rate = model.joiner_rate[g, c] * params.joiner_multiplier[r, g]
                other = start[g, l, c] * rate * model.joiner_age_share[g, a]
                recruits = (
                    model.international_recruits[t, g] * params.international_multiplier[r, g]
                )
                overseas = (
                    recruits * model.international_spread[g, l, c] * model.joiner_age_share[g, a]
                )
                S[g, l, c, a] += other + overseas
                F[g, l, c, a] += (other + overseas) * model.joiner_fte_per_head[g]
                flow[g, FLOW["other_joiners"]] += other
                flow[g, FLOW["international_joiners"]] += overseas

            # 7. FTE as reported, with the year's participation lever.
            record(r, t + 1, S, F, students, model.participation[t])

    return {
        "headcount": headcount,
        "fte": fte,
        "bands": bands,
        "flows": flows,
        "students": students_out,
        "intake": intake_out,
        "completers": completers_out,
    }
