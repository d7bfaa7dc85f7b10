"""orders with their lines and artwork holds, payments with their shares, the ledger,
and the gateway events already applied

Revision ID: 0009
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cultureup.adapters.sqlalchemy.types

revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None

Money = cultureup.adapters.sqlalchemy.types.MoneyCents
Time = cultureup.adapters.sqlalchemy.types.UTCDateTime
OPEN_PAYMENT = "status IN ('pending', 'completed', 'partially_refunded')"


def upgrade() -> None:
    op.create_table('processed_gateway_events',
    sa.Column('event_id', sa.String(length=255), nullable=False),
    sa.Column('processed_at', Time(), nullable=False),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_processed_gateway_events'))
    )
    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('order_type', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('shipping_address', sa.String(length=500), nullable=False),
    sa.Column('reserved_until', Time(), nullable=True),
    sa.Column('paid_at', Time(), nullable=True),
    sa.Column('created_at', Time(), nullable=False),
    sa.Column('updated_at', Time(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint("order_type IN ('artwork', 'equipment')",
        name=op.f('ck_orders_order_type_choice')),
    sa.CheckConstraint("status IN ('pending', 'confirmed', 'shipped', 'delivered', 'completed', "
                       "'cancelled')", name=op.f('ck_orders_status_choice')),
    sa.ForeignKeyConstraint(['buyer_id'], ['users.id'], name=op.f('fk_orders_buyer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index('ix_orders_buyer_created', ['buyer_id', 'created_at'], unique=False)
        batch_op.create_index('ix_orders_status_reserved_until',
            ['status', 'reserved_until'], unique=False)

    op.create_table('artwork_holds',
    sa.Column('artwork_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('sold', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'],
        name=op.f('fk_artwork_holds_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('artwork_id', name=op.f('pk_artwork_holds'))
    )
    with op.batch_alter_table('artwork_holds', schema=None) as batch_op:
        batch_op.create_index('ix_artwork_holds_order_id', ['order_id'], unique=False)

    op.create_table('order_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('seller_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('price', Money(), nullable=False),
    sa.CheckConstraint("kind = 'equipment' OR quantity = 1",
        name=op.f('ck_order_lines_artwork_quantity_one')),
    sa.CheckConstraint("kind IN ('artwork', 'equipment')", name=op.f('ck_order_lines_kind_choice')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_order_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'],
        name=op.f('fk_order_lines_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['seller_id'], ['users.id'],
        name=op.f('fk_order_lines_seller_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_lines'))
    )
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_index('ix_order_lines_order_id', ['order_id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transaction_id', sa.String(length=32), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('payee_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('amount', Money(), nullable=False),
    sa.Column('method', sa.String(length=24), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('hire_status', sa.String(length=16), nullable=False),
    sa.Column('gateway_reference', sa.String(length=255), nullable=True),
    sa.Column('payer_reference', sa.String(length=100), nullable=True),
    sa.Column('refunded_amount', Money(), server_default='0', nullable=False),
    sa.Column('failure_reason', sa.String(length=500), server_default='', nullable=False),
    sa.Column('created_at', Time(), nullable=False),
    sa.Column('updated_at', Time(), nullable=False),
    sa.Column('completed_at', Time(), nullable=True),
    sa.Column('released_at', Time(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint("hire_status IN ('pending', 'released', 'cancelled')",
        name=op.f('ck_payments_hire_status_choice')),
    sa.CheckConstraint("method IN ('stripe', 'jazzcash', 'bank_transfer', "
                       "'cash_on_delivery')", name=op.f('ck_payments_method_choice')),
    sa.CheckConstraint("status IN ('pending', 'completed', 'failed', 'partially_refunded', "
                       "'refunded')", name=op.f('ck_payments_status_choice')),
    sa.CheckConstraint('(order_id IS NULL) <> (job_id IS NULL)',
        name=op.f('ck_payments_order_or_job')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payments_amount_positive')),
    sa.CheckConstraint('refunded_amount >= 0 AND refunded_amount <= amount',
        name=op.f('ck_payments_refund_within_amount')),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_payments_job_id_jobs')),
    sa.ForeignKeyConstraint(['payee_id'], ['users.id'], name=op.f('fk_payments_payee_id_users')),
    sa.ForeignKeyConstraint(['payer_id'], ['users.id'], name=op.f('fk_payments_payer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('transaction_id', name=op.f('uq_payments_transaction_id'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index('ix_payments_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_payments_gateway_reference', ['gateway_reference'], unique=False)
        batch_op.create_index('ix_payments_job_id', ['job_id'], unique=False)
        batch_op.create_index('ix_payments_payee_created', ['payee_id', 'created_at'], unique=False)
        batch_op.create_index('ix_payments_payer_created', ['payer_id', 'created_at'], unique=False)
        batch_op.create_index('uq_payments_open_job', ['job_id'], unique=True,
            sqlite_where=sa.text(OPEN_PAYMENT), postgresql_where=sa.text(OPEN_PAYMENT))
        batch_op.create_index('uq_payments_open_order', ['order_id'], unique=True,
            sqlite_where=sa.text(OPEN_PAYMENT), postgresql_where=sa.text(OPEN_PAYMENT))

    op.create_table('ledger_transactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('created_at', Time(), nullable=False),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'],
        name=op.f('fk_ledger_transactions_payment_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_transactions'))
    )
    with op.batch_alter_table('ledger_transactions', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_transactions_payment_id', ['payment_id'], unique=False)

    op.create_table('payment_shares',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('seller_id', sa.Integer(), nullable=True),
    sa.Column('amount', Money(), nullable=False),
    sa.Column('platform_fee', Money(), nullable=False),
    sa.Column('artist_earning', Money(), nullable=False),
    sa.CheckConstraint('platform_fee + artist_earning = amount',
        name=op.f('ck_payment_shares_adds_up')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'],
        name=op.f('fk_payment_shares_payment_id_payments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['seller_id'], ['users.id'],
        name=op.f('fk_payment_shares_seller_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_shares'))
    )
    with op.batch_alter_table('payment_shares', schema=None) as batch_op:
        batch_op.create_index('ix_payment_shares_payment_id', ['payment_id'], unique=False)

    op.create_table('ledger_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transaction_id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=24), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('amount', Money(), nullable=False),
    sa.Column('created_at', Time(), nullable=False),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'],
        name=op.f('fk_ledger_entries_payment_id_payments')),
    sa.ForeignKeyConstraint(['transaction_id'], ['ledger_transactions.id'],
        name=op.f('fk_ledger_entries_transaction_id_ledger_transactions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
        name=op.f('fk_ledger_entries_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entries_account', ['account'], unique=False)
        batch_op.create_index('ix_ledger_entries_payment_id', ['payment_id'], unique=False)
        batch_op.create_index('ix_ledger_entries_user_account',
            ['user_id', 'account'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entries_user_account')
        batch_op.drop_index('ix_ledger_entries_payment_id')
        batch_op.drop_index('ix_ledger_entries_account')

    op.drop_table('ledger_entries')
    with op.batch_alter_table('payment_shares', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_shares_payment_id')

    op.drop_table('payment_shares')
    with op.batch_alter_table('ledger_transactions', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_transactions_payment_id')

    op.drop_table('ledger_transactions')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('uq_payments_open_order',
            sqlite_where=sa.text(OPEN_PAYMENT), postgresql_where=sa.text(OPEN_PAYMENT))
        batch_op.drop_index('uq_payments_open_job',
            sqlite_where=sa.text(OPEN_PAYMENT), postgresql_where=sa.text(OPEN_PAYMENT))
        batch_op.drop_index('ix_payments_payer_created')
        batch_op.drop_index('ix_payments_payee_created')
        batch_op.drop_index('ix_payments_job_id')
        batch_op.drop_index('ix_payments_gateway_reference')
        batch_op.drop_index('ix_payments_created_at')

    op.drop_table('payments')
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_order_lines_order_id')

    op.drop_table('order_lines')
    with op.batch_alter_table('artwork_holds', schema=None) as batch_op:
        batch_op.drop_index('ix_artwork_holds_order_id')

    op.drop_table('artwork_holds')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_status_reserved_until')
        batch_op.drop_index('ix_orders_buyer_created')

    op.drop_table('orders')
    op.drop_table('processed_gateway_events')
