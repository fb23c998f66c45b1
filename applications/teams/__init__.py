"""Teams without a shell: a city's members and the contractors assigned to its calls, managed in the admin.

``services`` writes (and logs), ``permissions`` says who may touch which city's rows,
``viewsets`` and ``hooks`` put the screens under the admin's 体制 Teams menu.
"""
